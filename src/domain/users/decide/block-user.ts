import { DomainError } from '../../shared/domain-error.js';
import type { CommandOf, DecisionContext } from '../../shared/decider.js';
import type { UserCommand } from '../commands.js';
import type { UserEvent } from '../events.js';
import type { UserState } from '../state.js';
import { mustExist } from './guards.js';

/** Staff block a user: no sign-in and no session until unblocked. */
export function blockUser(command: CommandOf<UserCommand, 'BlockUser'>, state: UserState, ctx: DecisionContext): UserEvent[] {
  mustExist(state);
  if (state.blocked) throw new DomainError('already_blocked', `User ${state.email} is already blocked.`, 409);
  return [{ type: 'UserBlocked', data: { reason: command.reason, at: ctx.now.toISOString() } }];
}
