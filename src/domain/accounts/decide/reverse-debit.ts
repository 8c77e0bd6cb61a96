import type { CommandOf } from '../../shared/decider.js';
import type { AccountCommand } from '../commands.js';
import type { AccountEvent } from '../events.js';
import type { AccountState } from '../state.js';
import { mustExist, positive } from './guards.js';

/** Returns a debit's money to the sender. A reversal returns money already taken: allowed on a frozen account. */
export function reverseDebit(command: CommandOf<AccountCommand, 'ReverseDebit'>, state: AccountState): AccountEvent[] {
  mustExist(state);
  positive(command.amount);
  return [{
    type: 'DebitReversed',
    data: {
      transfer_id: command.transfer_id,
      amount: command.amount.toString(),
      reason: command.reason,
      balance_after: (state.balance + command.amount).toString(),
    },
  }];
}
