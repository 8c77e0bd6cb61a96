import { DomainError } from '../../shared/domain-error.js';
import type { CommandOf } from '../../shared/decider.js';
import type { AccountCommand } from '../commands.js';
import type { AccountEvent } from '../events.js';
import type { AccountState } from '../state.js';
import { mustExist } from './guards.js';

/** The bank's currency position moves either way; only its BankFx accounts take it. */
export function postFxPosition(command: CommandOf<AccountCommand, 'PostFxPosition'>, state: AccountState): AccountEvent[] {
  mustExist(state);
  if (state.type !== 'BankFx') throw new DomainError('not_fx_account', 'Only an FX position account takes FX postings.', 409);
  if (command.amount === 0n) throw new DomainError('invalid_amount', 'An FX posting cannot be zero.', 400);
  return [{
    type: 'FxPositionPosted',
    data: {
      transfer_id: command.transfer_id,
      kind: command.kind,
      amount: command.amount.toString(),
      balance_after: (state.balance + command.amount).toString(),
    },
  }];
}
