import type { CommandOf } from '../../shared/decider.js';
import type { AccountCommand } from '../commands.js';
import type { AccountEvent } from '../events.js';
import { available, type AccountState } from '../state.js';
import { insufficientFunds, mustBeActive, notNegativeFee, positive } from './guards.js';

/** Sets a transfer's amount and fee aside until its code is confirmed (or it ends). */
export function holdFunds(command: CommandOf<AccountCommand, 'HoldFunds'>, state: AccountState): AccountEvent[] {
  mustBeActive(state);
  positive(command.amount);
  notNegativeFee(command.fee);
  // One hold per transfer: placing it again (a retry) decides nothing.
  if (command.transfer_id in state.holds) return [];
  const left = available(state) - (command.amount + command.fee);
  if (left < 0n) throw insufficientFunds();
  return [{
    type: 'FundsHeld',
    data: {
      transfer_id: command.transfer_id,
      kind: command.kind,
      amount: command.amount.toString(),
      fee: command.fee.toString(),
      counterparty_account: command.counterparty_account,
      expires_at: command.expires_at,
      balance_after: state.balance.toString(),
      available_after: left.toString(),
    },
  }];
}
