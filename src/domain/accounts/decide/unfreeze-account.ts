import { DomainError } from '../../shared/domain-error.js';
import type { CommandOf } from '../../shared/decider.js';
import type { AccountCommand } from '../commands.js';
import type { AccountEvent } from '../events.js';
import type { AccountState } from '../state.js';
import { accountClosed } from '../errors.js';
import { mustExist } from './guards.js';

/** Lifts a freeze. */
export function unfreezeAccount(command: CommandOf<AccountCommand, 'UnfreezeAccount'>, state: AccountState): AccountEvent[] {
  mustExist(state);
  if (state.status === 'closed') throw accountClosed(state.account_number);
  if (state.status === 'active') throw new DomainError('already_active', `Account ${state.account_number} is already active.`, 409);
  return [{ type: 'AccountUnfrozen', data: { reason: command.reason } }];
}
