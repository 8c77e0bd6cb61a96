import type { Request } from 'express';
import { rolesOf } from '../../commands/sessions/issue-tokens.js';
import { sessionStatus } from '../../commands/sessions/session-status.js';
import { TokenService } from '../../commands/sessions/token-service.js';
import { InvalidToken } from '../../domain/sessions/auth-errors.js';
import type { AppDeps } from '../deps.js';
import type { Authenticator, Principal, Role } from './principal.js';
import { SessionCache } from './session-cache.js';

/** At most this old is what a request learns about its session's revocation. */
export const SESSION_STATUS_TTL_MS = 1_000;

/** An Authenticator that can be told a session was revoked in this process. */
export interface SessionAwareAuthenticator extends Authenticator {
  forgetSession(sessionId: string): void;
}

export const isSessionAware = (a: Authenticator): a is SessionAwareAuthenticator =>
  typeof (a as Partial<SessionAwareAuthenticator>).forgetSession === 'function';

/**
 * Anonymous endpoints that take credentials in the body: a stale Authorization
 * header a client still sends must not block logging in or refreshing.
 */
const IGNORES_HEADER = new Set([
  'POST /auth/users',
  'POST /auth/users/activation',
  'POST /auth/users/resend_activation',
  'POST /auth/users/reset_password',
  'POST /auth/users/reset_password_confirm',
  'POST /auth/jwt/create',
  'POST /auth/jwt/refresh',
  'POST /auth/jwt/verify',
]);

const ROLES: readonly Role[] = ['customer', 'staff', 'auditor'];

/**
 * `Authorization: Bearer <access JWT>`: HS256 only, iss/aud/exp checked, an
 * access token (never a refresh or emailed token), its session not revoked, its
 * user active and its credentials version current (checked against the
 * streams, cached at most 1 s).
 */
export async function createAuthenticator(deps: Omit<AppDeps, 'authenticator'>): Promise<Authenticator> {
  const tokens = new TokenService(deps.config);
  const cache = new SessionCache(SESSION_STATUS_TTL_MS, (sid, uid) => sessionStatus(deps.repo, sid, uid));
  const authenticator: SessionAwareAuthenticator = {
    async authenticate(req: Request): Promise<Principal | null> {
      const header = req.headers.authorization;
      if (header === undefined || IGNORES_HEADER.has(`${req.method} ${req.path.replace(/\/+$/, '')}`)) return null;
      const match = /^Bearer\s+([A-Za-z0-9_\-.]+)\s*$/i.exec(header);
      if (!match) throw new InvalidToken('Authorization header must be "Bearer <token>"');
      const claims = await tokens.verify(match[1]!, 'access').catch(() => {
        throw new InvalidToken();
      });
      if (!claims.sid) throw new InvalidToken();
      const { live, user } = await cache.get(claims.sid, claims.sub);
      if (!live) throw new InvalidToken('Session is revoked or the user is inactive');
      if (claims.cv !== user.credentials_version) throw new InvalidToken('Password changed since the token was issued');
      const roles = rolesOf(user).filter((r): r is Role => ROLES.includes(r as Role));
      return { user_id: user.user_id, email: user.email, roles, is_staff: user.is_staff, session_id: claims.sid, expires_at: claims.exp, credentials_version: claims.cv };
    },
    forgetSession: (sessionId) => cache.forget(sessionId),
  };
  return authenticator;
}
