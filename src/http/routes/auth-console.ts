import express, { type Response, type Router } from 'express';
import type { Security } from '../../commands/security/security.js';
import { recordedRefresh } from '../../commands/security/recorded-refresh.js';
import { revokeSession } from '../../commands/sessions/revoke-session.js';
import { verifyLogin } from '../../commands/two-factor/login-verify.js';
import type { TwoFactorDeps } from '../../commands/two-factor/two-factor-deps.js';
import { InvalidToken } from '../../domain/sessions/auth-errors.js';
import type { Authenticator } from '../auth/principal.js';
import { isSessionAware } from '../auth/create-authenticator.js';
import { requestContext, userAgentOf } from '../auth/request-context.js';
import type { components } from '../generated/openapi.js';
import { cookieValue } from '../oidc/flow-cookie.js';

type Schemas = components['schemas'];

export const CONSOLE_COOKIE = 'nexus_console_refresh';
const PATH = '/auth/console';

/**
 * The staff console's session (contract: openapi/console.yaml): the refresh
 * token lives in an httpOnly SameSite=Strict cookie sent only to /auth/console,
 * so the page keeps just its access token, in memory.
 */
export function authConsoleRoutes(deps: TwoFactorDeps, authenticator: Authenticator, security: Security, secure: boolean): Router {
  const router = express.Router();
  const attributes = { httpOnly: true, secure, sameSite: 'strict' as const, path: PATH };
  const setCookie = (res: Response, refresh: string) => res.cookie(CONSOLE_COOKIE, refresh, attributes);
  const clearCookie = (res: Response) => res.clearCookie(CONSOLE_COOKIE, attributes);
  const presented = (req: express.Request) => cookieValue(req.headers.cookie, CONSOLE_COOKIE) || undefined;

  router.post('/auth/console/login', async (req, res) => {
    const { email, code } = req.body as Schemas['LoginVerifyRequest'];
    const { access, refresh } = await verifyLogin(deps, security, email, code, requestContext(req), userAgentOf(req));
    setCookie(res, refresh);
    res.json({ access } satisfies Schemas['ConsoleAccess']);
  });

  router.post('/auth/console/refresh', async (req, res) => {
    const token = presented(req);
    // No cookie is no attempt (a console opened while signed out): nothing to record.
    if (!token) throw new InvalidToken('No console session');
    try {
      const { access, refresh } = await recordedRefresh(deps, security, token, requestContext(req), userAgentOf(req));
      setCookie(res, refresh);
      res.json({ access } satisfies Schemas['ConsoleAccess']);
    } catch (error) {
      clearCookie(res);
      throw error;
    }
  });

  router.post('/auth/console/logout', async (req, res) => {
    const token = presented(req);
    const claims = token ? await deps.tokens.verify(token, 'refresh').catch(() => undefined) : undefined;
    if (claims?.sid) {
      const context = requestContext(req);
      await revokeSession(deps.repo, claims.sid, claims.sub, 'logout', context);
      if (isSessionAware(authenticator)) authenticator.forgetSession(claims.sid);
      await security.recordAttempt(context, { kind: 'logout', outcome: 'success', user_id: claims.sub, email: null, user_agent: userAgentOf(req), reason: null });
    }
    clearCookie(res);
    res.status(204).end();
  });

  return router;
}
