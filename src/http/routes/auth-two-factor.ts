import express, { type Router } from 'express';
import type { Security } from '../../commands/security/security.js';
import { initLogin } from '../../commands/two-factor/login-init.js';
import { verifyLogin } from '../../commands/two-factor/login-verify.js';
import { confirmTotp, disableTotp, startTotpEnrolment } from '../../commands/two-factor/totp-enrolment.js';
import type { TwoFactorDeps } from '../../commands/two-factor/two-factor-deps.js';
import { loadUser } from '../../commands/users/load-user.js';
import { requestContext, userAgentOf } from '../auth/request-context.js';
import type { components } from '../generated/openapi.js';
import { principal, requireUser } from '../middleware/auth-guards.js';

type Schemas = components['schemas'];

const DETAIL = {
  email: 'A login code was sent to your email.',
  totp: 'Enter the code of your authenticator app (or a recovery code).',
} as const;

/** The two-step login and the authenticator app (contract: openapi/auth.yaml, tag two-factor). */
export function authTwoFactorRoutes(deps: TwoFactorDeps, security: Security): Router {
  const router = express.Router();
  const caller = (req: express.Request) => loadUser(deps.repo, principal(req).user_id);

  router.post('/auth/login/init', async (req, res) => {
    const { email, password } = req.body as Schemas['Credentials'];
    const { method, expires_at } = await initLogin(deps, security, email, password, requestContext(req), userAgentOf(req));
    res.status(202).json({ detail: DETAIL[method], method, expires_at } satisfies Schemas['LoginChallenge']);
  });

  router.post('/auth/login/verify', async (req, res) => {
    const { email, code } = req.body as Schemas['LoginVerifyRequest'];
    const { access, refresh } = await verifyLogin(deps, security, email, code, requestContext(req), userAgentOf(req));
    res.json({ access, refresh } satisfies Schemas['TokenPair']);
  });

  router.post('/auth/totp', requireUser, async (req, res) => {
    res.status(201).json((await startTotpEnrolment(deps, await caller(req), requestContext(req))) satisfies Schemas['TotpEnrolment']);
  });

  router.post('/auth/totp/confirm', requireUser, async (req, res) => {
    const { code } = req.body as Schemas['TotpConfirmRequest'];
    const recovery_codes = await confirmTotp(deps, await caller(req), code, requestContext(req));
    res.json({ status: 'enabled', recovery_codes } satisfies Schemas['TotpEnabled']);
  });

  router.delete('/auth/totp', requireUser, async (req, res) => {
    const { password, code } = req.body as Schemas['TotpDisableRequest'];
    await disableTotp(deps, await caller(req), { password, code }, requestContext(req));
    res.status(204).end();
  });

  return router;
}
