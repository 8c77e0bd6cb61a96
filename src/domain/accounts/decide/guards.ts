import { DomainError } from '../../shared/domain-error.js';
import type { DebitTerms } from '../commands.js';
import { assertOpenForUse } from '../errors.js';
import { SYSTEM_ACCOUNT_TYPES } from '../events.js';
import type { AccountState } from '../state.js';

/** The checks the account commands share. */
export const accountNotFound = () => new DomainError('account_not_found', 'Account not found.', 404);
/** 409: an account still holding money or a hold cannot be closed. */
export const accountNotEmpty = (state: AccountState) =>
  new DomainError('account_not_empty', `Account ${state.account_number} still holds money or a hold.`, 409, {
    account_number: state.account_number,
  });
export const insufficientFunds = () => new DomainError('insufficient_funds', 'Insufficient funds.', 422);

export const isSystemAccount = (state: AccountState) => (SYSTEM_ACCOUNT_TYPES as readonly string[]).includes(state.type);

export function mustExist(state: AccountState): void {
  if (!state.exists) throw accountNotFound();
}

export function mustBeActive(state: AccountState): void {
  mustExist(state);
  assertOpenForUse(state);
}

export function positive(amount: bigint): void {
  if (amount <= 0n) throw new DomainError('invalid_amount', 'Amount must be greater than zero.', 400);
}

export function notNegativeFee(fee: bigint): void {
  if (fee < 0n) throw new DomainError('invalid_amount', 'Fee cannot be negative.', 400);
}

/** A debit's terms: a positive amount and credit, no negative fee, and a fee account for any fee. */
export function checkDebit(terms: DebitTerms): void {
  positive(terms.amount);
  notNegativeFee(terms.fee);
  if (terms.credit_amount <= 0n) throw new DomainError('invalid_amount', 'Credited amount must be greater than zero.', 400);
  if (terms.fee > 0n && terms.fee_account === null) throw new DomainError('invalid_fee', 'A fee needs a fee account.', 400);
}
