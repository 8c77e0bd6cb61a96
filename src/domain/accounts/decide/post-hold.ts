import { DomainError } from '../../shared/domain-error.js';
import type { CommandOf } from '../../shared/decider.js';
import type { AccountCommand } from '../commands.js';
import type { AccountEvent } from '../events.js';
import type { AccountState } from '../state.js';
import { checkDebit, mustExist } from './guards.js';
import { debited, released } from './ledger-events.js';

/**
 * Posts a transfer's hold as its debit. The money was set aside when the hold
 * was placed: posting cannot fail for funds. A sender frozen since then voids
 * the hold instead, in the same decision, so a hold ends once.
 */
export function postHold(command: CommandOf<AccountCommand, 'PostHold'>, state: AccountState): AccountEvent[] {
  mustExist(state);
  checkDebit(command);
  const hold = state.holds[command.transfer_id];
  if (!hold) return [];
  if (hold.total !== command.amount + command.fee) {
    throw new DomainError('hold_mismatch', 'The hold of this transfer is for another amount.', 409);
  }
  if (state.status !== 'active') return [released(state, command.transfer_id, hold, 'sender_frozen')];
  return [debited(state, command, true)];
}
