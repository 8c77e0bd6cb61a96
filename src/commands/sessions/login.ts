import { randomUUID } from 'node:crypto';
import { sessionStream } from '../../domain/sessions/decider.js';
import { isActive } from '../../domain/users/state.js';
import type { CommandContext } from '../shared/command-context.js';
import { idsFrom } from '../shared/ids.js';
import type { AuthDeps } from '../users/auth-deps.js';
import { findUserByEmail } from '../users/load-user.js';
import { currentPasswordHash, verifyPassword } from '../users/passwords.js';
import { issuePair, type TokenPair } from './issue-tokens.js';
import { sessionAggregate } from './session-aggregate.js';
import { InvalidCredentials } from './token-errors.js';

/**
 * Email and password for a new session (refresh-token family). Unknown email,
 * wrong password and inactive user fail alike, after the same argon2 work.
 */
export type LoginDeps = Pick<AuthDeps, 'repo' | 'tokens' | 'credentials' | 'emails'>;

export async function login(deps: LoginDeps, email: string, password: string, context: CommandContext): Promise<TokenPair & { user_id: string }> {
  const user = await findUserByEmail(deps, email);
  const ok = await verifyPassword(await currentPasswordHash(deps.credentials, user), password);
  if (!ok || !isActive(user)) throw new InvalidCredentials();
  const session_id = randomUUID();
  const jti = randomUUID();
  const expires_at = new Date(context.now.getTime() + deps.tokens.ttlSeconds('refresh') * 1000);
  await deps.repo.execute(
    sessionAggregate,
    sessionStream(session_id),
    { type: 'StartSession', session_id, user_id: user.user_id, jti, expires_at, at: context.now },
    context,
    idsFrom(randomUUID()),
  );
  return { ...(await issuePair(deps.tokens, user, session_id, jti, context.now)), user_id: user.user_id };
}
