import type { DomainEvent } from '../shared/event.js';
import type { Currency } from '../money/currency.js';

/** Types a customer may open. */
export const ACCOUNT_TYPES = ['Basic', 'Savings', 'Salary', 'USD', 'EUR'] as const;
export type CustomerAccountType = (typeof ACCOUNT_TYPES)[number];
/**
 * The bank's own accounts: `BankCash` is the other side of every deposit (it
 * goes negative as money enters, so all balances always sum to zero per
 * currency); `BankFees` collects fees; `BankFx` is the bank's position in a
 * currency from conversions (a transfer from USD to JOD adds the USD to the USD
 * position and takes the JOD from the JOD one, so each currency still sums to
 * zero); `Biller` receives bill payments.
 */
export const SYSTEM_ACCOUNT_TYPES = ['BankCash', 'BankFees', 'BankFx', 'Biller'] as const;
export type SystemAccountType = (typeof SYSTEM_ACCOUNT_TYPES)[number];
export type AccountType = CustomerAccountType | SystemAccountType;
export type TransferKind = 'internal' | 'external' | 'bill' | 'deposit';

/** Why a hold was voided: the code ran out or was guessed wrong three times, the sender or receiver was frozen, the code mail failed. */
export const HOLD_RELEASE_REASONS = ['expired', 'locked', 'sender_frozen', 'receiver_frozen', 'otp_delivery_failed'] as const;
export type HoldReleaseReason = (typeof HOLD_RELEASE_REASONS)[number];

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
  /**
   * A hold (the pending phase of a two-phase transfer, as TigerBeetle's pending
   * transfers): `amount` + `fee` leave the available balance, the balance stays.
   * The hold is named by its transfer; it ends in exactly one of a debit with
   * `from_reservation: true` (posted) or HoldReleased (voided).
   */
  | DomainEvent<'FundsHeld', {
      transfer_id: string;
      kind: TransferKind;
      amount: string;
      fee: string;
      counterparty_account: string;
      /** When the transfer's code runs out: the hold expiry process voids it after this. */
      expires_at: string;
      /** Unchanged by a hold; recorded so the statement and audit check it like every other entry. */
      balance_after: string;
      available_after: string;
    }>
  | DomainEvent<'HoldReleased', {
      transfer_id: string;
      kind: TransferKind;
      /** What the hold took from the available balance (amount + fee), given back. */
      amount: string;
      reason: HoldReleaseReason;
      counterparty_account: string;
      balance_after: string;
      available_after: string;
    }>
  | DomainEvent<'AccountDebited', {
      transfer_id: string;
      kind: TransferKind;
      /** Taken from this account, fee excluded. */
      amount: string;
      fee: string;
      /** The settlement still owed after this debit: carried here so it can be finished after a crash. */
      counterparty_account: string;
      credit_amount: string;
      fx: FxApplied | null;
      fee_account: string | null;
      /** True when this debit posts the transfer's hold (the hold ends here). */
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
  /**
   * The receiver could not take a transfer whose debit is recorded (it was
   * frozen after the transfer's checks): written under the credit's own event
   * id, so a transfer is either credited or refused, never both; the sender's
   * reversal follows.
   */
  | DomainEvent<'CreditRefused', { transfer_id: string; kind: TransferKind; amount: string; counterparty_account: string; reason: 'account_frozen' | 'account_closed' }>
  | DomainEvent<'FxPositionPosted', { transfer_id: string; kind: TransferKind; amount: string; balance_after: string }>
  | DomainEvent<'DebitReversed', { transfer_id: string; amount: string; reason: string; balance_after: string }>
  | DomainEvent<'AccountFrozen', { reason: string }>
  | DomainEvent<'AccountUnfrozen', { reason: string }>
  /** Closed for good with a zero balance and no hold (the owner closed their relationship); the ledger keeps its history. */
  | DomainEvent<'AccountClosed', { reason: AccountCloseReason; closed_at: string }>;

export type AccountCloseReason = 'customer_closed';

export type AccountEventType = AccountEvent['type'];
