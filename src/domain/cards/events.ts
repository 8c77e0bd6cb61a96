import type { Currency } from '../money/currency.js';
import type { DomainEvent } from '../shared/event.js';

export const CARD_TYPES = ['DEBIT', 'CREDIT'] as const;
export type CardType = (typeof CARD_TYPES)[number];

/**
 * The full card number is never stored: an event keeps its last four digits
 * and `pan_hash`, a keyed HMAC that can match a presented number later.
 * Limits are integer minor units of `currency` as strings.
 */
/** Why a card was cancelled: its owner asked (DELETE /cards/{id}), or the owner closed their customer relationship. */
export const CARD_CANCEL_REASONS = ['owner_request', 'customer_closed'] as const;
export type CardCancelReason = (typeof CARD_CANCEL_REASONS)[number];

export type CardEvent =
  | DomainEvent<'CardIssued', {
      card_id: string;
      account_number: string;
      owner_id: string;
      card_type: CardType;
      brand: string;
      last4: string;
      pan_hash: string;
      expiry_year: number;
      expiry_month: number;
      currency: Currency;
      daily_limit: string;
      monthly_limit: string;
      issued_at: string;
    }>
  | DomainEvent<'CardBlocked', { reason: string }>
  | DomainEvent<'CardUnblocked', { reason: string }>
  | DomainEvent<'CardLimitsChanged', { daily_limit: string; monthly_limit: string }>
  /** The card is cancelled for good (the last event of its stream). */
  | DomainEvent<'CardCancelled', { reason: CardCancelReason; cancelled_at: string }>;

export type CardEventType = CardEvent['type'];

/** Claims a card number in its own stream (`cardnumber-<pan_hash>`), so no two cards share one. */
export type CardNumberEvent = DomainEvent<'CardNumberReserved', { card_id: string }>;
