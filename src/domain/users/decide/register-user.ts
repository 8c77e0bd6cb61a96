import type { CommandOf, DecisionContext } from '../../shared/decider.js';
import type { UserCommand } from '../commands.js';
import { emailTaken } from '../errors.js';
import type { UserEvent } from '../events.js';
import type { UserState } from '../state.js';
import { registered } from './registered.js';

/** A customer signs up: inactive until the emailed link, never staff. */
export function registerUser(command: CommandOf<UserCommand, 'RegisterUser'>, state: UserState, ctx: DecisionContext): UserEvent[] {
  if (state.exists) throw emailTaken();
  return [registered(command, command, false, ctx.now)];
}
