import type { DomainEvent } from '../shared/event.js';
import type { Currency } from '../money/currency.js';

export const ACCOUNT_TYPES = ['Basic', 'Savings', 'Salary', 'USD', 'EUR'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];
export type TransferKind = 'internal' | 'external' | 'bill';

/** Amounts are integer minor units of the account's currency, as strings. */
export interface FxApplied {
  [key: string]: string;
  from: Currency;
  to: Currency;
  rate: string;
  rate_numerator: string;
  rate_denominator: string;
  rounding: string;
  source_amount: string;
}

export type AccountEvent =
  | DomainEvent<'AccountOpened', { account_number: string; owner_id: string; type: AccountType; currency: Currency }>
  | DomainEvent<'FundsDeposited', { deposit_id: string; amount: string; balance_after: string; reference: string }>
  | DomainEvent<'FundsReserved', { transfer_id: string; amount: string; available_after: string }>
  | DomainEvent<'ReservationReleased', { transfer_id: string; amount: string; reason: string; available_after: string }>
  | DomainEvent<'AccountDebited', {
      transfer_id: string;
      kind: TransferKind;
      amount: string;
      fee: string;
      counterparty_account: string;
      from_reservation: boolean;
      balance_after: string;
    }>
  | DomainEvent<'AccountCredited', {
      transfer_id: string;
      kind: TransferKind;
      amount: string;
      counterparty_account: string;
      fx: FxApplied | null;
      balance_after: string;
    }>
  | DomainEvent<'DebitReversed', { transfer_id: string; amount: string; reason: string; balance_after: string }>
  | DomainEvent<'AccountFrozen', { reason: string }>
  | DomainEvent<'AccountUnfrozen', { reason: string }>;

export type AccountEventType = AccountEvent['type'];
