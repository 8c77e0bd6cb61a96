import type { CommandOf } from '../../shared/decider.js';
import type { AccountCommand } from '../commands.js';
import type { AccountEvent } from '../events.js';
import { available, type AccountState } from '../state.js';
import { checkDebit, insufficientFunds, mustBeActive } from './guards.js';
import { debited } from './ledger-events.js';

/** A transfer's debit of the sender: amount plus fee out of the available balance (only the bank's cash may go below zero). */
export function debitAccount(command: CommandOf<AccountCommand, 'DebitAccount'>, state: AccountState): AccountEvent[] {
  mustBeActive(state);
  checkDebit(command);
  if (available(state) < command.amount + command.fee && state.type !== 'BankCash') throw insufficientFunds();
  return [debited(state, command, false)];
}
