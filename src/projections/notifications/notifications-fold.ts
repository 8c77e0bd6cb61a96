import { SYSTEM_ACCOUNT_TYPES } from '../../domain/accounts/events.js';
import type { Currency } from '../../domain/money/currency.js';
import { nameBasedIds } from '../../infra/name-based-id.js';
import { accountNotice, accountOf, adminAlert, cardBlockedNotice, cardOf, isAccountNoticeEvent, isAdminAlertEvent, staffRegistered, type Notice, type NotificationSourceEvent } from './notices.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const idOf = nameBasedIds('6f1d3c2a-8b4e-4f7a-9c5d-2e1f0a9b8c7d');

/** Stable across rebuilds: derived from the event that caused it and its recipient. */
export const notificationId = (eventId: string, userId: string): string => idOf(`${eventId}/${userId}`);

export interface AccountRow {
  owner_id: string;
  currency: string;
  type: string;
}

export interface CardRow {
  owner_id: string;
  account_number: string;
  last4: string;
}

export interface NotificationRow {
  id: string;
  user_id: string;
  notification_type: string;
  event_type: string;
  message: string;
  account_number: string | null;
  related_transfer_id: string | null;
  card_id: string | null;
  created_at: string;
  position: string;
  read_at: string | null;
}

/** A parameter as the single-row statements passed it: absent is null, anything else its text. */
const nullable = (v: unknown): string | null => (v === undefined || v === null ? null : String(v));

/** The rows of the notifications tables a batch needs, as they are before it. */
export interface NotificationsBefore {
  accounts: ReadonlyMap<string, AccountRow>;
  cards: ReadonlyMap<string, CardRow>;
  /** Every staff user (only loaded when `keysOf` says the batch needs them). */
  staff: ReadonlySet<string>;
}

/** A NotificationRead of a notification stored before its batch (the first of the batch for that id and user). */
export interface NotificationReadRow {
  id: string;
  user_id: string;
  read_at: string;
  /** The NotificationRead's position: it marks only a notification with an earlier one. */
  position: string;
}

/** What a batch changes: rows to insert, and reads of notifications stored before it. */
export interface NotificationChanges {
  newAccounts: (AccountRow & { account_number: string })[];
  newCards: (CardRow & { card_id: string })[];
  newStaff: string[];
  notifications: NotificationRow[];
  reads: NotificationReadRow[];
}

/** The keys a batch reads: account and card rows, and whether it needs the staff list. */
export function notificationKeys(events: readonly NotificationSourceEvent[]): { accounts: Set<string>; cards: Set<string>; staff: boolean } {
  const accounts = new Set<string>();
  const cards = new Set<string>();
  for (const e of events) {
    if (e.type === 'AccountOpened') accounts.add(e.data.account_number);
    else if (isAccountNoticeEvent(e)) accounts.add(accountOf(e));
    else if (e.type === 'CardIssued') cards.add(e.data.card_id);
    else if (e.type === 'CardBlocked') cards.add(cardOf(e));
  }
  return { accounts, cards, staff: events.some((e) => isAdminAlertEvent(e) || staffRegistered(e) !== null) };
}

/**
 * The pure part of the notifications read model: given the rows before a batch
 * and its events, what applying them one by one gives. The first AccountOpened
 * / CardIssued of a key wins (as `on conflict do nothing`), an account event
 * notifies the owner known at that point of the batch, and a NotificationRead
 * marks only a notification that existed when it was read, with the first
 * read's time. The rows given are not changed.
 */
export function foldNotifications(before: NotificationsBefore, events: readonly NotificationSourceEvent[]): NotificationChanges {
  const accounts = new Map(before.accounts);
  const cards = new Map(before.cards);
  const staff = new Set(before.staff);
  const newStaff: string[] = [];
  const newAccounts: (AccountRow & { account_number: string })[] = [];
  const newCards: (CardRow & { card_id: string })[] = [];
  const notifications = new Map<string, NotificationRow>();
  /** First read time per (notification, user), for rows that existed before the batch. */
  const reads = new Map<string, NotificationReadRow>();

  const notify = (e: NotificationSourceEvent, userId: string, n: Notice) => {
    const id = notificationId(e.event_id, userId);
    if (notifications.has(id)) return;
    notifications.set(id, {
      id,
      user_id: userId,
      notification_type: n.type,
      event_type: e.type,
      message: n.message,
      account_number: n.account_number,
      related_transfer_id: nullable(n.transfer_id),
      card_id: nullable(n.card_id),
      created_at: e.recorded_at.toISOString(),
      position: e.position.toString(),
      read_at: null,
    });
  };

  for (const e of events) {
    if (e.type === 'AccountOpened') {
      const d = e.data;
      const key = d.account_number;
      if (accounts.has(key)) continue;
      const row = { account_number: key, owner_id: d.owner_id, currency: d.currency, type: d.type };
      accounts.set(row.account_number, row);
      newAccounts.push(row);
    } else if (e.type === 'CardIssued') {
      const d = e.data;
      const key = d.card_id;
      if (cards.has(key)) continue;
      const row = { card_id: key, owner_id: d.owner_id, account_number: d.account_number, last4: d.last4 };
      cards.set(row.card_id, row);
      newCards.push(row);
    } else if (isAccountNoticeEvent(e)) {
      const account = accountOf(e);
      const owner = accounts.get(account);
      if (!owner || (SYSTEM_ACCOUNT_TYPES as readonly string[]).includes(owner.type)) continue;
      const notice = accountNotice(e, owner.currency as Currency, account);
      if (notice) notify(e, owner.owner_id, notice);
    } else if (e.type === 'CardBlocked') {
      const cardId = cardOf(e);
      const card = cards.get(cardId);
      if (card) notify(e, card.owner_id, cardBlockedNotice(cardId, card));
    } else if (staffRegistered(e) !== null) {
      const userId = staffRegistered(e)!;
      if (!staff.has(userId)) newStaff.push(userId);
      staff.add(userId);
    } else if (e.type === 'NotificationRead') {
      const userId = e.stream_id.slice('notifications-'.length);
      const id = e.data.notification_id ?? '';
      if (!UUID.test(id)) continue; // never let a malformed event stop the projector
      const readAt = e.recorded_at.toISOString();
      // A notification this batch adds (if it is not already stored: its insert is then skipped).
      const pending = notifications.get(id.toLowerCase());
      if (pending && pending.user_id === userId && pending.read_at === null) pending.read_at = readAt;
      // A notification stored before the batch.
      const key = `${id.toLowerCase()}/${userId}`;
      if (!reads.has(key)) reads.set(key, { id, user_id: userId, read_at: readAt, position: e.position.toString() });
    }
    // After the owner's own notice: a staff user who owns a frozen account is told once (the first notice wins).
    const alert = isAdminAlertEvent(e) ? adminAlert(e) : null;
    if (alert) for (const userId of staff) notify(e, userId, alert);
  }
  return { newAccounts, newCards, newStaff, notifications: [...notifications.values()], reads: [...reads.values()] };
}
