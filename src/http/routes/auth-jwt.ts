import express, { type Router } from 'express';
import { guardedLogin } from '../../commands/security/guarded-login.js';
import { recordedRefresh } from '../../commands/security/recorded-refresh.js';
import type { Security } from '../../commands/security/security.js';
import { revokeSession } from '../../commands/sessions/revoke-session.js';
import { sessionStatus } from '../../commands/sessions/session-status.js';
import type { TokenClaims } from '../../commands/sessions/token-service.js';
import { passwordOnlyLogin } from '../../commands/two-factor/second-factor-policy.js';
import { verifyToken } from '../../commands/sessions/verify-token.js';
import type { AuthDeps } from '../../commands/users/auth-deps.js';
import type { Authenticator } from '../auth/principal.js';
import { isSessionAware } from '../auth/create-authenticator.js';
import { requestContext, userAgentOf } from '../auth/request-context.js';
import type { components } from '../generated/openapi.js';
import { principal, requireUser } from '../middleware/auth-guards.js';

type Schemas = components['schemas'];

/** Login (behind the lockouts), rotation, verification and logout; every login, refresh and logout attempt is recorded. */
export function authJwtRoutes(deps: AuthDeps, authenticator: Authenticator, security: Security): Router {
  const router = express.Router();
  const forget = (sid: string) => {
    if (isSessionAware(authenticator)) authenticator.forgetSession(sid);
  };

  router.post('/auth/jwt/create', async (req, res) => {
    const { email, password } = req.body as Schemas['Credentials'];
    const { access, refresh } = await guardedLogin(deps, security, email, password, requestContext(req), userAgentOf(req), passwordOnlyLogin(deps.config));
    res.json({ access, refresh } satisfies Schemas['TokenPair']);
  });

  router.post('/auth/jwt/refresh', async (req, res) => {
    const pair = await recordedRefresh(deps, security, (req.body as Schemas['RefreshRequest']).refresh, requestContext(req), userAgentOf(req));
    res.json(pair satisfies Schemas['TokenPair']);
  });

  router.post('/auth/jwt/verify', async (req, res) => {
    await verifyToken(deps, (req.body as Schemas['VerifyRequest']).token);
    res.json({});
  });

  router.post('/auth/logout', requireUser, async (req, res) => {
    const caller = principal(req);
    const context = requestContext(req);
    const sessions = new Set([caller.session_id]);
    const refresh = (req.body as Schemas['LogoutRequest'] | undefined)?.refresh;
    if (refresh) {
      // A refresh token that is bad or expired can no longer be used anyway.
      const claims = await deps.tokens.verify(refresh, 'refresh').catch(() => undefined);
      if (claims?.sid && claims.sub === caller.user_id) sessions.add(claims.sid);
    }
    for (const sid of sessions) {
      await revokeSession(deps.repo, sid, caller.user_id, 'logout', context);
      forget(sid);
    }
    await security.recordAttempt(context, { kind: 'logout', outcome: 'success', user_id: caller.user_id, email: caller.email, user_agent: userAgentOf(req), reason: null });
    res.json({ detail: 'Logged out successfully.' } satisfies Schemas['AuthDetail']);
  });

  return router;
}
