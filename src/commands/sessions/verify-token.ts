import { InvalidToken } from '../../domain/sessions/auth-errors.js';
import type { AuthDeps } from '../users/auth-deps.js';
import { sessionStatus } from './session-status.js';

/**
 * An access or refresh token that is still good: well signed and unexpired,
 * its session live, its user active with the same credentials version, and a
 * refresh token not yet spent. InvalidToken (with the reason) otherwise.
 */
export async function verifyToken(deps: Pick<AuthDeps, 'repo' | 'tokens'>, token: string): Promise<void> {
  const claims = await deps.tokens.verify(token, 'access', 'refresh');
  if (!claims.sid) throw new InvalidToken();
  const { live, user, session } = await sessionStatus(deps.repo, claims.sid, claims.sub);
  if (!live || claims.cv !== user.credentials_version) throw new InvalidToken('Session is revoked or the user is inactive');
  if (claims.token_type === 'refresh' && claims.jti !== session.current_jti) throw new InvalidToken('Token was already used');
}
