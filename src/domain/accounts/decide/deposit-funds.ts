import type { CommandOf } from '../../shared/decider.js';
import type { AccountCommand } from '../commands.js';
import type { AccountEvent } from '../events.js';
import type { AccountState } from '../state.js';
import { mustBeActive, positive } from './guards.js';

/** A deposit into an active account. */
export function depositFunds(command: CommandOf<AccountCommand, 'DepositFunds'>, state: AccountState): AccountEvent[] {
  mustBeActive(state);
  positive(command.amount);
  return [{
    type: 'FundsDeposited',
    data: {
      deposit_id: command.deposit_id,
      amount: command.amount.toString(),
      balance_after: (state.balance + command.amount).toString(),
      reference: command.reference,
    },
  }];
}
