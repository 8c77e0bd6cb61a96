import { userStream } from '../../domain/users/decider.js';
import { userNotFound } from '../../domain/users/errors.js';
import type { UserRole } from '../../domain/users/events.js';
import type { CommandContext } from '../shared/command-context.js';
import { deterministicId } from '../shared/ids.js';
import { findUserByEmail, userAggregate, type UserLookup } from './load-user.js';

/**
 * Gives an existing user an extra role (operators only, through the CLI),
 * recorded as `RoleGranted` in the user's stream. The authenticator reads
 * roles from that stream, so the grant applies to the user's next requests.
 */
export async function grantRole(
  deps: UserLookup,
  input: { email: string; role: UserRole },
  context: CommandContext,
): Promise<{ id: string; email: string; granted: boolean }> {
  const user = await findUserByEmail(deps, input.email);
  if (!user.exists) throw userNotFound();
  const user_id = user.user_id;
  const decided = await deps.repo.execute(userAggregate, userStream(user_id), { type: 'GrantRole', role: input.role }, context, () =>
    deterministicId('role-granted', `${user_id}:${input.role}:${context.correlation_id}`),
  );
  return { id: user_id, email: decided.state.email, granted: decided.events.length > 0 };
}
