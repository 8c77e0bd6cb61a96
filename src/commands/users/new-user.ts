import { randomUUID } from 'node:crypto';
import type { UserCommand } from '../../domain/users/commands.js';
import { userStream } from '../../domain/users/decider.js';
import type { CommandContext } from '../shared/command-context.js';
import { idsFrom } from '../shared/ids.js';
import type { AuthDeps } from './auth-deps.js';
import { claimEmail } from './claim-email.js';
import { userAggregate } from './load-user.js';
import { storePassword } from './passwords.js';

/**
 * A new user under a random id: the email is claimed first (keyed index, one
 * winner), then the password hash (if any) goes to the credentials store, then the
 * user's first command names that row. A failure after the claim releases it.
 */
export async function createUser(
  deps: Pick<AuthDeps, 'repo' | 'credentials' | 'emails'>,
  email: string,
  password: string | null,
  context: CommandContext,
  command: (user_id: string, credential_id: string) => UserCommand,
): Promise<string> {
  const user_id = randomUUID();
  await claimEmail(deps, email, user_id, context.now);
  try {
    const credential_id = password === null ? '' : await storePassword(deps.credentials, user_id, password);
    await deps.repo.execute(userAggregate, userStream(user_id), command(user_id, credential_id), context, idsFrom(randomUUID()));
  } catch (error) {
    await deps.emails.release(user_id).catch(() => undefined);
    await deps.credentials.removeSubject(user_id).catch(() => undefined);
    throw error;
  }
  return user_id;
}
