import type { CommandOf, DecisionContext } from '../../shared/decider.js';
import type { UserCommand } from '../commands.js';
import type { UserEvent } from '../events.js';
import { staleToken } from '../errors.js';
import type { UserState } from '../state.js';
import { mustExist } from './guards.js';
import { activated } from './registered.js';

/** An activation link works once: afterwards it is stale. */
export function activateUser(_command: CommandOf<UserCommand, 'ActivateUser'>, state: UserState, ctx: DecisionContext): UserEvent[] {
  mustExist(state);
  if (state.activated) throw staleToken();
  return [activated(ctx.now)];
}
