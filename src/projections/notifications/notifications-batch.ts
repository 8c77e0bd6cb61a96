import { nameBasedIds } from '../../infra/name-based-id.js';
import { SYSTEM_ACCOUNT_TYPES } from '../../domain/accounts/events.js';
import type { Currency } from '../../domain/money/currency.js';
import type { RecordedEvent } from '../../eventstore/port.js';
import type { Queryable } from '../../infra/db.js';
import { ACCOUNT_EVENTS, ADMIN_ALERT_EVENTS, accountNotice, accountOf, adminAlert, cardBlockedNotice, cardOf, staffRegistered, type Notice } from './notices.js';

type Data = Record<string, string>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const idOf = nameBasedIds('6f1d3c2a-8b4e-4f7a-9c5d-2e1f0a9b8c7d');

/** Stable across rebuilds: derived from the event that caused it and its recipient. */
export const notificationId = (eventId: string, userId: string): string => idOf(`${eventId}/${userId}`);

interface AccountRow {
  owner_id: string;
  currency: string;
  type: string;
}

interface CardRow {
  owner_id: string;
  account_number: string;
  last4: string;
}

interface NotificationRow {
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

/**
 * Applies a batch to the notifications tables with a fixed number of
 * statements whatever its size, giving exactly what applying the events one by
 * one gives: the first AccountOpened / CardIssued of a key wins (as `on
 * conflict do nothing`), an account event notifies the owner known at that
 * point of the batch, and a NotificationRead marks only a notification that
 * existed when it was read, with the first read's time.
 */
export async function applyNotificationEvents(tx: Queryable, events: readonly RecordedEvent[], schema: string): Promise<void> {
  // Keys the batch reads or writes, loaded once: the tables as they are before the batch.
  const accountKeys = new Set<string>();
  const cardKeys = new Set<string>();
  for (const e of events) {
    if (e.type === 'AccountOpened') accountKeys.add(String((e.data as Data).account_number));
    else if (ACCOUNT_EVENTS.has(e.type)) accountKeys.add(accountOf(e));
    else if (e.type === 'CardIssued') cardKeys.add(String((e.data as Data).card_id));
    else if (e.type === 'CardBlocked') cardKeys.add(cardOf(e));
  }
  const accounts = new Map<string, AccountRow>();
  const cards = new Map<string, CardRow>();
  // Staff users receive every ADMIN_ALERT: the whole (small) list, only when the batch needs it.
  const staff = new Set<string>();
  const newStaff: string[] = [];
  if (events.some((e) => ADMIN_ALERT_EVENTS.has(e.type) || staffRegistered(e) !== null)) {
    for (const r of await tx.query<{ user_id: string }>(`select user_id from ${schema}.notification_staff`)) staff.add(r.user_id);
  }
  if (accountKeys.size > 0) {
    const rows = await tx.query<AccountRow & { account_number: string }>(
      `select account_number, owner_id, currency, type from ${schema}.notification_accounts where account_number = any($1::text[])`,
      [[...accountKeys]],
    );
    for (const r of rows) accounts.set(r.account_number, { owner_id: r.owner_id, currency: r.currency, type: r.type });
  }
  if (cardKeys.size > 0) {
    const rows = await tx.query<CardRow & { card_id: string }>(
      `select card_id, owner_id, account_number, last4 from ${schema}.notification_cards where card_id = any($1::text[])`,
      [[...cardKeys]],
    );
    for (const r of rows) cards.set(r.card_id, { owner_id: r.owner_id, account_number: r.account_number, last4: r.last4 });
  }

  const newAccounts: (AccountRow & { account_number: string })[] = [];
  const newCards: (CardRow & { card_id: string })[] = [];
  const notifications = new Map<string, NotificationRow>();
  /** First read time per (notification, user), for rows that existed before the batch. */
  const reads = new Map<string, { id: string; user_id: string; read_at: string }>();

  const notify = (e: RecordedEvent, userId: string, n: Notice) => {
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
    const d = e.data as Data;
    if (e.type === 'AccountOpened') {
      const key = String(d.account_number);
      if (accounts.has(key)) continue;
      const row = { account_number: key, owner_id: d.owner_id!, currency: d.currency!, type: d.type! };
      accounts.set(row.account_number, row);
      newAccounts.push(row);
    } else if (e.type === 'CardIssued') {
      const key = String(d.card_id);
      if (cards.has(key)) continue;
      const row = { card_id: key, owner_id: d.owner_id!, account_number: d.account_number!, last4: d.last4! };
      cards.set(row.card_id, row);
      newCards.push(row);
    } else if (ACCOUNT_EVENTS.has(e.type)) {
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
      const id = d.notification_id ?? '';
      if (!UUID.test(id)) continue; // never let a malformed event stop the projector
      const readAt = e.recorded_at.toISOString();
      // A notification this batch adds (if it is not already stored: its insert is then skipped).
      const pending = notifications.get(id.toLowerCase());
      if (pending && pending.user_id === userId && pending.read_at === null) pending.read_at = readAt;
      // A notification stored before the batch.
      const key = `${id.toLowerCase()}/${userId}`;
      if (!reads.has(key)) reads.set(key, { id, user_id: userId, read_at: readAt });
    }
    // After the owner's own notice: a staff user who owns a frozen account is told once (the first notice wins).
    const alert = ADMIN_ALERT_EVENTS.has(e.type) ? adminAlert(e) : null;
    if (alert) for (const userId of staff) notify(e, userId, alert);
  }

  if (newAccounts.length > 0) {
    await tx.query(
      `insert into ${schema}.notification_accounts (account_number, owner_id, currency, type)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[])
       on conflict (account_number) do nothing`,
      [newAccounts.map((r) => r.account_number), newAccounts.map((r) => r.owner_id), newAccounts.map((r) => r.currency), newAccounts.map((r) => r.type)],
    );
  }
  if (newStaff.length > 0) {
    await tx.query(
      `insert into ${schema}.notification_staff (user_id) select * from unnest($1::text[]) on conflict (user_id) do nothing`,
      [newStaff],
    );
  }
  if (newCards.length > 0) {
    await tx.query(
      `insert into ${schema}.notification_cards (card_id, owner_id, account_number, last4)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[])
       on conflict (card_id) do nothing`,
      [newCards.map((r) => r.card_id), newCards.map((r) => r.owner_id), newCards.map((r) => r.account_number), newCards.map((r) => r.last4)],
    );
  }
  // Reads first, so they reach only notifications stored before the batch.
  if (reads.size > 0) {
    const rows = [...reads.values()];
    await tx.query(
      `update ${schema}.notifications n set read_at = v.read_at
         from unnest($1::uuid[], $2::text[], $3::timestamptz[]) as v(id, user_id, read_at)
        where n.id = v.id and n.user_id = v.user_id and n.read_at is null`,
      [rows.map((r) => r.id), rows.map((r) => r.user_id), rows.map((r) => r.read_at)],
    );
  }
  if (notifications.size > 0) {
    const rows = [...notifications.values()];
    const col = <K extends keyof NotificationRow>(k: K) => rows.map((r) => r[k]);
    await tx.query(
      `insert into ${schema}.notifications (id, user_id, notification_type, event_type, message, account_number,
         related_transfer_id, card_id, created_at, position, read_at)
       select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                            $9::timestamptz[], $10::bigint[], $11::timestamptz[])
       on conflict (id) do nothing`,
      [
        col('id'), col('user_id'), col('notification_type'), col('event_type'), col('message'), col('account_number'),
        col('related_transfer_id'), col('card_id'), col('created_at'), col('position'), col('read_at'),
      ],
    );
  }
}
