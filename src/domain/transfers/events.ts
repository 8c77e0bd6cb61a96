import type { FxApplied } from '../accounts/events.js';
import type { Currency } from '../money/currency.js';
import type { DomainEvent } from '../shared/event.js';

export type CustomerTransferKind = 'internal' | 'external';

/**
 * A high-value transfer waiting for its emailed one-time code. Amounts are
 * integer minor units as strings: `amount` and `fee` in the sender's currency,
 * `credit_amount` in the receiver's. Neither the code nor its hash is in the
 * event: the hash lives in the credentials store (events written before that
 * carry `otp_hash`, which every view removes).
 */
export interface TransferRequestedData {
  [key: string]: string | number | FxApplied | null | undefined;
  transfer_id: string;
  owner_id: string;
  kind: CustomerTransferKind;
  sender_account: string;
  receiver_account: string;
  amount: string;
  fee: string;
  fee_account: string | null;
  currency: Currency;
  credit_amount: string;
  receiver_currency: Currency;
  fx: FxApplied | null;
  expires_at: string;
  attempts_left: number;
  /** Legacy events only (removed from every view); the hash now lives in the credentials store. */
  otp_hash?: string;
}

export type TransferEvent =
  | DomainEvent<'TransferRequested', TransferRequestedData>
  | DomainEvent<'TransferOtpFailed', { transfer_id: string; attempts_left: number }>
  | DomainEvent<'TransferLocked', { transfer_id: string }>
  | DomainEvent<'TransferExpired', { transfer_id: string }>
  | DomainEvent<'TransferConfirmed', { transfer_id: string }>
  | DomainEvent<'TransferFailed', { transfer_id: string; code: string; reason: string }>;

export const transferStream = (transferId: string): string => `transfer-${transferId}`;
