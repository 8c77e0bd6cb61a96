import { DomainError } from '../../shared/domain-error.js';
import type { AccountFacts } from '../commands.js';

// Someone else's account or card is indistinguishable from a missing one.
const accountNotFound = () => new DomainError('account_not_found', 'Account not found.', 404);
export const cardNotFound = () => new DomainError('card_not_found', 'Card not found.', 404);

export const cardCancelled = () => new DomainError('card_cancelled', 'The card is cancelled and cannot be changed.', 409);

export function ownedAccount(account: AccountFacts, caller: string): void {
  if (!account.exists || account.owner_id !== caller) throw accountNotFound();
}
