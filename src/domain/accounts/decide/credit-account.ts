import type { CommandOf } from '../../shared/decider.js';
import type { AccountCommand } from '../commands.js';
import type { AccountEvent } from '../events.js';
import type { AccountState } from '../state.js';
import { isSystemAccount, mustExist, positive } from './guards.js';

/**
 * Completes a transfer whose debit is already recorded. A customer account
 * frozen since the transfer's checks refuses it; the refusal takes the
 * credit's event id, so whoever settles first decides and the sender is then
 * reversed. The bank's own accounts always take their side.
 */
export function creditAccount(command: CommandOf<AccountCommand, 'CreditAccount'>, state: AccountState): AccountEvent[] {
  mustExist(state);
  positive(command.amount);
  if (state.status !== 'active' && !isSystemAccount(state)) {
    return [{
      type: 'CreditRefused',
      data: {
        transfer_id: command.transfer_id,
        kind: command.kind,
        amount: command.amount.toString(),
        counterparty_account: command.counterparty_account,
        reason: state.status === 'closed' ? 'account_closed' : 'account_frozen',
      },
    }];
  }
  return [{
    type: 'AccountCredited',
    data: {
      transfer_id: command.transfer_id,
      kind: command.kind,
      amount: command.amount.toString(),
      counterparty_account: command.counterparty_account,
      fx: command.fx,
      balance_after: (state.balance + command.amount).toString(),
    },
  }];
}
