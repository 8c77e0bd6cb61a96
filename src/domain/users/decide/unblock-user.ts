import { DomainError } from '../../shared/domain-error.js';
import type { CommandOf, DecisionContext } from '../../shared/decider.js';
import type { UserCommand } from '../commands.js';
import type { UserEvent } from '../events.js';
import type { UserState } from '../state.js';
import { mustExist } from './guards.js';

/** Lifts a block. */
export function unblockUser(command: CommandOf<UserCommand, 'UnblockUser'>, state: UserState, ctx: DecisionContext): UserEvent[] {
  mustExist(state);
  if (!state.blocked) throw new DomainError('already_active', `User ${state.email} is already active.`, 409);
  return [{ type: 'UserUnblocked', data: { reason: command.reason, at: ctx.now.toISOString() } }];
}
