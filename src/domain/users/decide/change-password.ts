import type { CommandOf, DecisionContext } from '../../shared/decider.js';
import type { UserCommand } from '../commands.js';
import type { UserEvent } from '../events.js';
import { staleToken, userNotFound } from '../errors.js';
import { isActive, type UserState } from '../state.js';
import { mustExist } from './guards.js';

/** A new credential for an active user; a reset link or a session issued before the last change is stale. */
export function changePassword(command: CommandOf<UserCommand, 'ChangePassword'>, state: UserState, ctx: DecisionContext): UserEvent[] {
  mustExist(state);
  if (!isActive(state)) throw userNotFound();
  if (command.expected_credentials_version !== state.credentials_version) throw staleToken();
  return [{
    type: 'PasswordChanged',
    data: {
      credential_id: command.credential_id,
      credential_version: state.credentials_version + 1,
      reason: command.reason,
      changed_at: ctx.now.toISOString(),
    },
  }];
}
