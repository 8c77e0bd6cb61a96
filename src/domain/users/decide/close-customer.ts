import type { CommandOf, DecisionContext } from '../../shared/decider.js';
import type { UserCommand } from '../commands.js';
import type { UserEvent } from '../events.js';
import type { UserState } from '../state.js';
import { mustExist } from './guards.js';

/** The customer ends the relationship; closing twice records it once (a retry after a crash repeats only the clean-up). */
export function closeCustomer(command: CommandOf<UserCommand, 'CloseCustomer'>, state: UserState, ctx: DecisionContext): UserEvent[] {
  mustExist(state);
  return state.closed ? [] : [{ type: 'CustomerClosed', data: { closed_at: ctx.now.toISOString() } }];
}
