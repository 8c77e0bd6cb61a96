import { DomainError } from '../../shared/domain-error.js';
import type { CommandOf } from '../../shared/decider.js';
import type { AccountCommand } from '../commands.js';
import type { AccountEvent } from '../events.js';
import type { AccountState } from '../state.js';
import { accountClosed } from '../errors.js';
import { mustExist } from './guards.js';

/** Freezes an active account: no debits or deposits until it is unfrozen. */
export function freezeAccount(command: CommandOf<AccountCommand, 'FreezeAccount'>, state: AccountState): AccountEvent[] {
  mustExist(state);
  if (state.status === 'closed') throw accountClosed(state.account_number);
  if (state.status === 'frozen') throw new DomainError('already_frozen', `Account ${state.account_number} is already frozen.`, 409);
  return [{ type: 'AccountFrozen', data: { reason: command.reason } }];
}
