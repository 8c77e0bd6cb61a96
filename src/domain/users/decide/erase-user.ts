import type { CommandOf, DecisionContext } from '../../shared/decider.js';
import type { UserCommand } from '../commands.js';
import type { UserEvent } from '../events.js';
import { userNotFound } from '../errors.js';
import type { UserState } from '../state.js';

/** Refuses nothing but a user that never existed: the caller decides when erasure is allowed. Once only. */
export function eraseUser(command: CommandOf<UserCommand, 'EraseUser'>, state: UserState, ctx: DecisionContext): UserEvent[] {
  if (!state.exists) throw userNotFound();
  return state.erased ? [] : [{ type: 'UserErased', data: { erased_at: ctx.now.toISOString() } }];
}
