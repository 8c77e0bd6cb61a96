import { randomUUID } from 'node:crypto';
import { sessionStream } from '../../domain/sessions/decider.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { isActive } from '../../domain/users/state.js';
import type { CommandContext } from '../shared/command-context.js';
import { idsFrom } from '../shared/ids.js';
import type { AuthDeps } from '../users/auth-deps.js';
import { loadUser } from '../users/load-user.js';
import { issuePair, type TokenPair } from './issue-tokens.js';
import { sessionAggregate } from './session-aggregate.js';
import { InvalidToken } from '../../domain/sessions/auth-errors.js';

/**
 * Spends a refresh token for a new pair (rotation). The decision is taken on
 * the family's stream with its expected revision: presenting a token already
 * spent revokes the family, and of two concurrent refreshes of one token the
 * loser is treated as such a reuse.
 */
export async function refreshSession(deps: Pick<AuthDeps, 'repo' | 'tokens'>, refreshToken: string, context: CommandContext): Promise<TokenPair> {
  const claims = await deps.tokens.verify(refreshToken, 'refresh');
  if (!claims.sid) throw new InvalidToken();
  const user = await loadUser(deps.repo, claims.sub);
  if (!isActive(user) || claims.cv !== user.credentials_version) throw new InvalidToken();
  const new_jti = randomUUID();
  const expires_at = new Date(context.now.getTime() + deps.tokens.ttlSeconds('refresh') * 1000);
  let state;
  try {
    ({ state } = await deps.repo.execute(
      sessionAggregate,
      sessionStream(claims.sid),
      { type: 'RotateRefreshToken', presented_jti: claims.jti, new_jti, expires_at },
      context,
      idsFrom(randomUUID()),
    ));
  } catch (error) {
    if (error instanceof DomainError && error.code === 'session_not_found') throw new InvalidToken();
    throw error;
  }
  if (state.user_id !== claims.sub) throw new InvalidToken();
  if (state.revoked) throw new InvalidToken(state.revoked === 'reuse_detected' ? 'Token was already used; the session is revoked' : 'Token is blacklisted');
  if (state.current_jti !== new_jti) throw new InvalidToken();
  return issuePair(deps.tokens, user, claims.sid, new_jti, context.now);
}
