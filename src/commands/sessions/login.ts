import { isActive, type UserState } from '../../domain/users/state.js';
import type { CommandContext } from '../shared/command-context.js';
import type { AuthDeps } from '../users/auth-deps.js';
import { findUserByEmail } from '../users/load-user.js';
import { currentPasswordHash, verifyPassword } from '../users/passwords.js';
import type { TokenPair } from './issue-tokens.js';
import { startSession } from './start-session.js';
import { InvalidCredentials } from '../../domain/sessions/auth-errors.js';

export type LoginDeps = Pick<AuthDeps, 'repo' | 'tokens' | 'credentials' | 'emails'>;

/**
 * The user whose email and password these are. Unknown email, wrong password
 * and inactive user fail alike (InvalidCredentials), after the same argon2 work.
 */
export async function checkPassword(deps: Omit<LoginDeps, 'tokens'>, email: string, password: string): Promise<UserState> {
  const user = await findUserByEmail(deps, email);
  const ok = await verifyPassword(await currentPasswordHash(deps.credentials, user), password);
  if (!ok || !isActive(user)) throw new InvalidCredentials();
  return user;
}

/** Email and password for a new session (refresh-token family). */
export async function login(deps: LoginDeps, email: string, password: string, context: CommandContext): Promise<TokenPair & { user_id: string }> {
  const user = await checkPassword(deps, email, password);
  return { ...(await startSession(deps, user, context)), user_id: user.user_id };
}
