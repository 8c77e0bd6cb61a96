import type { CommandOf, DecisionContext } from '../../shared/decider.js';
import type { UserCommand } from '../commands.js';
import { userNotFound } from '../errors.js';
import type { UserEvent } from '../events.js';
import { isActive, type UserState } from '../state.js';
import { mustExist } from './guards.js';

/** A new email for an active user (normalized and claimed in the email index by the command layer); the same email records nothing. */
export function changeEmail(command: CommandOf<UserCommand, 'ChangeEmail'>, state: UserState, ctx: DecisionContext): UserEvent[] {
  mustExist(state);
  if (!isActive(state)) throw userNotFound();
  return command.email === state.email ? [] : [{ type: 'EmailChanged', data: { email: command.email, via: command.via, changed_at: ctx.now.toISOString() } }];
}
