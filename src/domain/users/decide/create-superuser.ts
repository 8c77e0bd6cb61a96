import type { CommandOf, DecisionContext } from '../../shared/decider.js';
import type { UserCommand } from '../commands.js';
import { emailTaken } from '../errors.js';
import type { UserEvent } from '../events.js';
import type { UserState } from '../state.js';
import { activated, registered } from './registered.js';

/** A staff superuser from the CLI: registered and active at once. */
export function createSuperuser(command: CommandOf<UserCommand, 'CreateSuperuser'>, state: UserState, ctx: DecisionContext): UserEvent[] {
  if (state.exists) throw emailTaken();
  return [registered(command, { first_name: '', last_name: '', country: '' }, true, ctx.now), activated(ctx.now)];
}
