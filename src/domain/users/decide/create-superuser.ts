import type { CommandOf } from '../../shared/decider.js';
import type { UserCommand } from '../commands.js';
import { emailTaken } from '../errors.js';
import type { UserEvent } from '../events.js';
import type { UserState } from '../state.js';
import { activated, registered } from './registered.js';

/** A staff superuser from the CLI: registered and active at once. */
export function createSuperuser(command: CommandOf<UserCommand, 'CreateSuperuser'>, state: UserState): UserEvent[] {
  if (state.exists) throw emailTaken();
  return [registered(command, { first_name: '', last_name: '', country: '' }, true, command.at), activated(command.at)];
}
