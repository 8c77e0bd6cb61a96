import type { Currency } from '../../domain/money/currency.js';
import type { BankEventType } from '../../domain/events.js';
import type { BankRecordedEvent } from '../../eventstore/bank-events.js';
import { messages } from './messages.js';
import { accountOfStream } from '../../domain/accounts/sub-streams.js';

/**
 * What an event tells whom, shared by the read model (notifications-batch)
 * and the live push (src/live): both derive the same notification, with the
 * same id, type and message, from the same event.
 */
export type NotificationType = 'TRANSACTION' | 'SECURITY' | 'BILL_PAYMENT' | 'ADMIN_ALERT';

export interface Notice {
  type: NotificationType;
  message: string;
  account_number: string | null;
  /** The transfer, bill payment or deposit it is about (`related_transaction`). */
  transfer_id?: string | null;
  card_id?: string | null;
}

type Json = { [key: string]: unknown };
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

const ACCOUNT_EVENT_TYPES = ['AccountCredited', 'AccountDebited', 'FundsDeposited', 'DebitReversed', 'AccountFrozen', 'AccountUnfrozen'] as const;
const ADMIN_ALERT_EVENT_TYPES = ['IncidentRaised', 'UserBlocked', 'AccountFrozen'] as const;
export type AccountNoticeEvent = BankRecordedEvent<(typeof ACCOUNT_EVENT_TYPES)[number]>;
export type AdminAlertEvent = BankRecordedEvent<(typeof ADMIN_ALERT_EVENT_TYPES)[number]>;

/** Every event type the notifications read model (and the live feed) reads. */
export const NOTIFICATION_EVENT_TYPES = [
  ...ACCOUNT_EVENT_TYPES, 'IncidentRaised', 'UserBlocked', 'AccountOpened', 'CardIssued', 'CardBlocked', 'UserRegistered', 'NotificationRead',
] as const satisfies readonly BankEventType[];
export type NotificationSourceEvent = BankRecordedEvent<(typeof NOTIFICATION_EVENT_TYPES)[number]>;

const ACCOUNT_EVENTS: ReadonlySet<string> = new Set(ACCOUNT_EVENT_TYPES);
const ADMIN_ALERT_EVENTS: ReadonlySet<string> = new Set(ADMIN_ALERT_EVENT_TYPES);

/** Account events that notify the account's owner. */
export const isAccountNoticeEvent = (e: { type: string }): e is AccountNoticeEvent => ACCOUNT_EVENTS.has(e.type);
/** Events that alert every staff user (ADMIN_ALERT): critical incidents, blocked users, frozen accounts. */
export const isAdminAlertEvent = (e: { type: string }): e is AdminAlertEvent => ADMIN_ALERT_EVENTS.has(e.type);

export const accountOf = (e: { stream_id: string }): string => accountOfStream(e.stream_id);
export const cardOf = (e: { stream_id: string }): string => e.stream_id.slice('card-'.length);
const userOf = (e: { stream_id: string }): string => e.stream_id.slice('user-'.length);

/** The notice an account event gives the account's owner; a bill payment's debit is a BILL_PAYMENT. */
export function accountNotice(e: AccountNoticeEvent, currency: Currency, account: string): Notice | null {
  switch (e.type) {
    case 'AccountCredited': {
      const d = e.data;
      return {
        type: 'TRANSACTION',
        account_number: account,
        transfer_id: d.transfer_id,
        message: d.kind === 'deposit'
          ? messages.deposited(d.amount, currency, account)
          : messages.received(d.amount, currency, d.counterparty_account),
      };
    }
    case 'AccountDebited': {
      const d = e.data;
      return {
        type: d.kind === 'bill' ? 'BILL_PAYMENT' : 'TRANSACTION',
        account_number: account,
        transfer_id: d.transfer_id,
        message: messages.sent(d.amount, d.fee ?? '0', currency, d.counterparty_account, d.kind === 'bill'),
      };
    }
    case 'FundsDeposited':
      return { type: 'TRANSACTION', account_number: account, transfer_id: e.data.deposit_id, message: messages.deposited(e.data.amount, currency, account) };
    case 'DebitReversed':
      return { type: 'TRANSACTION', account_number: account, transfer_id: e.data.transfer_id, message: messages.reversed(e.data.amount, currency, account) };
    case 'AccountFrozen':
      return { type: 'SECURITY', account_number: account, message: messages.frozen(account) };
    case 'AccountUnfrozen':
      return { type: 'SECURITY', account_number: account, message: messages.unfrozen(account) };
    default:
      return null;
  }
}

/** The notice a blocked card gives its owner. */
export const cardBlockedNotice = (cardId: string, card: { account_number: string; last4: string }): Notice => ({
  type: 'SECURITY', account_number: card.account_number, card_id: cardId, message: messages.cardBlocked(card.last4),
});

/**
 * The ADMIN_ALERT an event gives every staff user, or null: a critical
 * incident, a blocked user, a frozen account. Messages name users by id, never
 * by e-mail (personal data stays out of the read model).
 */
export function adminAlert(e: AdminAlertEvent): Notice | null {
  switch (e.type) {
    case 'IncidentRaised': {
      const d = e.data;
      if (d.severity !== 'critical') return null;
      const evidence: Json = d.evidence ?? {};
      const transfer = text((evidence.transfer as Json | undefined)?.transfer_id) ?? text(evidence.transfer_id) ?? null;
      return {
        type: 'ADMIN_ALERT',
        account_number: text(d.account_number) ?? null,
        transfer_id: transfer,
        message: messages.criticalIncident(d.rule, text(d.user_id), text(d.account_number)),
      };
    }
    case 'UserBlocked':
      return { type: 'ADMIN_ALERT', account_number: null, message: messages.userBlocked(userOf(e)) };
    case 'AccountFrozen':
      return { type: 'ADMIN_ALERT', account_number: accountOf(e), message: messages.frozen(accountOf(e)) };
    default:
      return null;
  }
}

/** A staff user registered: they receive every ADMIN_ALERT from then on. */
export const staffRegistered = (e: { type: string; stream_id: string; data: unknown }): string | null => {
  if (e.type !== 'UserRegistered') return null;
  const d = (e as BankRecordedEvent<'UserRegistered'>).data;
  return d.is_staff === true ? text(d.user_id) ?? userOf(e) : null;
};
