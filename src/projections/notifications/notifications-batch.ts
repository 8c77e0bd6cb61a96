import type { Queryable } from '../../infra/db.js';
import { inLoad, insertRows, type RowColumn } from '../runtime/insert-rows.js';
import type { NotificationSourceEvent } from './notices.js';
import { foldNotifications, notificationKeys, type AccountRow, type CardRow, type NotificationReadRow, type NotificationRow } from './notifications-fold.js';

export { notificationId } from './notifications-fold.js';

const NOTIFICATION_COLUMNS: readonly RowColumn<NotificationRow>[] = [
  ['id', 'uuid'], ['user_id', 'text'], ['notification_type', 'text'], ['event_type', 'text'], ['message', 'text'],
  ['account_number', 'text'], ['related_transfer_id', 'text'], ['card_id', 'text'], ['created_at', 'timestamptz'],
  ['position', 'bigint'], ['read_at', 'timestamptz'],
];

const READ_COLUMNS: readonly RowColumn<NotificationReadRow>[] = [['id', 'uuid'], ['user_id', 'text'], ['read_at', 'timestamptz'], ['position', 'bigint']];

/** Where a rebuild's load sets NotificationReads aside (in the build schema only). */
const LOADED_READS = 'notification_reads_loaded';

export async function setupLoadedReads(tx: Queryable, schema: string): Promise<void> {
  await tx.query(`create table ${schema}.${LOADED_READS} (id uuid not null, user_id text not null, read_at timestamptz not null, position bigint not null)`);
}

/**
 * Applies the reads a rebuild's load set aside, as the live projector does
 * batch by batch: a read marks its user's notification if that one came
 * earlier in the log (it existed when read), and the first such read wins
 * (one the load's own batch already applied, to a notification of the same
 * batch, stays).
 */
export async function finishLoadedReads(tx: Queryable, schema: string): Promise<void> {
  await tx.query(
    `update ${schema}.notifications n set read_at = f.read_at
       from (select distinct on (r.id, r.user_id) r.id, r.user_id, r.read_at
               from ${schema}.${LOADED_READS} r
               join ${schema}.notifications m on m.id = r.id and m.user_id = r.user_id and m.position < r.position
              order by r.id, r.user_id, r.position) f
      where n.id = f.id and n.user_id = f.user_id and n.read_at is null`,
  );
}

/**
 * Applies a batch to the notifications tables with a fixed number of
 * statements whatever its size: loads the rows the batch needs, folds the
 * events (notifications-fold.ts), and writes the changes.
 */
export async function applyNotificationEvents(tx: Queryable, events: readonly NotificationSourceEvent[], schema: string): Promise<void> {
  const keys = notificationKeys(events);
  const accounts = new Map<string, AccountRow>();
  const cards = new Map<string, CardRow>();
  // Staff users receive every ADMIN_ALERT: the whole (small) list, only when the batch needs it.
  const staff = new Set<string>();
  if (keys.staff) {
    for (const r of await tx.query<{ user_id: string }>(`select user_id from ${schema}.notification_staff`)) staff.add(r.user_id);
  }
  if (keys.accounts.size > 0) {
    const rows = await tx.query<AccountRow & { account_number: string }>(
      `select account_number, owner_id, currency, type from ${schema}.notification_accounts where account_number = any($1::text[])`,
      [[...keys.accounts]],
    );
    for (const r of rows) accounts.set(r.account_number, { owner_id: r.owner_id, currency: r.currency, type: r.type });
  }
  if (keys.cards.size > 0) {
    const rows = await tx.query<CardRow & { card_id: string }>(
      `select card_id, owner_id, account_number, last4 from ${schema}.notification_cards where card_id = any($1::text[])`,
      [[...keys.cards]],
    );
    for (const r of rows) cards.set(r.card_id, { owner_id: r.owner_id, account_number: r.account_number, last4: r.last4 });
  }
  const { newAccounts, newCards, newStaff, notifications, reads } = foldNotifications({ accounts, cards, staff }, events);

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
  if (inLoad(tx)) {
    // A rebuild's load has no key on notifications to update by: set aside (applied by finishLoadedReads).
    await insertRows<NotificationReadRow>(tx, `${schema}.${LOADED_READS}`, READ_COLUMNS, reads);
  } else if (reads.length > 0) {
    const rows = reads;
    await tx.query(
      `update ${schema}.notifications n set read_at = v.read_at
         from unnest($1::uuid[], $2::text[], $3::timestamptz[]) as v(id, user_id, read_at)
        where n.id = v.id and n.user_id = v.user_id and n.read_at is null`,
      [rows.map((r) => r.id), rows.map((r) => r.user_id), rows.map((r) => r.read_at)],
    );
  }
  await insertRows<NotificationRow>(tx, `${schema}.notifications`, NOTIFICATION_COLUMNS, notifications, 'on conflict (id) do nothing');
}
