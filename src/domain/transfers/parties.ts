import type { AccountState } from '../accounts/state.js';
import { DomainError } from '../shared/domain-error.js';
import type { CustomerTransferKind } from './events.js';
import { accountClosed, accountFrozen, assertOpenForUse } from '../accounts/errors.js';

/** The bank's own accounts (cash, fees, billers) are never a transfer's party. */
export const BANK_OWNER = 'bank';

const accountNotFound = (field: string) => new DomainError('account_not_found', 'Account not found.', 404, { field });

/**
 * Who may send to whom, checked on the accounts' own streams before any money
 * moves. The sender must be the caller's (someone else's is a 404, exactly
 * like a missing one) and active. Internal: the receiver is also the caller's
 * and active. External: the receiver is another customer's active account
 * (the caller's own accounts take an internal transfer, free of fee).
 */
export function checkParties(kind: CustomerTransferKind, ownerId: string, sender: AccountState, receiver: AccountState): void {
  if (!sender.exists || sender.owner_id !== ownerId) throw accountNotFound('sender_account');
  if (sender.account_number === receiver.account_number) {
    throw new DomainError('same_account', 'Cannot transfer to the same account.', 422);
  }
  if (kind === 'internal') {
    if (!receiver.exists || receiver.owner_id !== ownerId) throw accountNotFound('receiver_account');
  } else {
    if (!receiver.exists || receiver.owner_id === BANK_OWNER) {
      throw new DomainError('receiver_not_found', 'No customer account has this number.', 404, { field: 'receiver_account' });
    }
    if (receiver.owner_id === ownerId) {
      throw new DomainError('receiver_is_own_account', 'This account is yours: use an internal transfer (no fee).', 422, { field: 'receiver_account' });
    }
  }
  assertOpenForUse(sender, { field: 'sender_account' });
  if (receiver.status !== 'active') throw receiverRefusal(kind, receiver.account_number, {}, receiver.status);
}

/**
 * The answer when the receiver cannot take a transfer (frozen or closed). Another
 * customer's account state is not disclosed beyond "cannot receive".
 */
export function receiverRefusal(kind: CustomerTransferKind, receiverAccount: string, details: Record<string, unknown> = {}, status = 'frozen'): DomainError {
  const own = status === 'closed' ? accountClosed : accountFrozen;
  return kind === 'internal'
    ? own(receiverAccount, { field: 'receiver_account', ...details })
    : new DomainError('receiver_unavailable', 'The receiving account cannot take transfers.', 422, { field: 'receiver_account', ...details });
}
