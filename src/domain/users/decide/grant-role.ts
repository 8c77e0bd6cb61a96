import type { CommandOf, DecisionContext } from '../../shared/decider.js';
import type { UserCommand } from '../commands.js';
import type { UserEvent } from '../events.js';
import type { UserState } from '../state.js';
import { mustExist } from './guards.js';

/** Granting a role the user already has records nothing. */
export function grantRole(command: CommandOf<UserCommand, 'GrantRole'>, state: UserState, ctx: DecisionContext): UserEvent[] {
  mustExist(state);
  return state.roles.includes(command.role) ? [] : [{ type: 'RoleGranted', data: { role: command.role, granted_at: ctx.now.toISOString() } }];
}
