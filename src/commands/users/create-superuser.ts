import { normalizeEmail } from '../../domain/users/email.js';
import type { CommandContext } from '../shared/command-context.js';
import type { AuthDeps } from './auth-deps.js';
import { createUser } from './new-user.js';
import { assertStrongPassword } from './passwords.js';

/** An active staff superuser (random id), for operators (the CLI); never reachable over HTTP. */
export async function createSuperuser(
  deps: Pick<AuthDeps, 'repo' | 'credentials' | 'emails'>,
  input: { email: string; password: string },
  context: CommandContext,
): Promise<{ id: string; email: string }> {
  const email = normalizeEmail(input.email);
  assertStrongPassword(input.password, { email }, 'password');
  const id = await createUser(deps, email, input.password, context, (user_id, credential_id) => ({ type: 'CreateSuperuser', user_id, email, credential_id }));
  return { id, email };
}
