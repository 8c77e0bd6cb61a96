import type { CommandOf, DecisionContext } from '../../shared/decider.js';
import type { UserCommand } from '../commands.js';
import { emailTaken } from '../errors.js';
import type { UserEvent } from '../events.js';
import type { UserState } from '../state.js';
import { activated, registered } from './registered.js';

/** Signed in through an OpenID Connect provider that vouched for the email: active at once, with no password. */
export function registerExternalUser(command: CommandOf<UserCommand, 'RegisterExternalUser'>, state: UserState, ctx: DecisionContext): UserEvent[] {
  if (state.exists) throw emailTaken();
  return [registered({ ...command, credential_id: '' }, command, false, ctx.now, { identity_provider: command.identity_provider }), activated(ctx.now)];
}
