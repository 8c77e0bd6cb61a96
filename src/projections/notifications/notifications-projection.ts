import { v5 as uuidv5 } from 'uuid';
import { SYSTEM_ACCOUNT_TYPES } from '../../domain/accounts/events.js';
import type { Currency } from '../../domain/money/currency.js';
import type { RecordedEvent } from '../../eventstore/port.js';
import type { Queryable } from '../../infra/db.js';
import { byEventType, type Projection } from '../runtime/projection.js';
import { messages } from './messages.js';

type Data = Record<string, string>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NAMESPACE = '6f1d3c2a-8b4e-4f7a-9c5d-2e1f0a9b8c7d';

/** Stable across rebuilds: derived from the event that caused it and its recipient. */
export const notificationId = (eventId: string, userId: string): string => uuidv5(`${eventId}/${userId}`, NAMESPACE);

interface Owner {
  owner_id: string;
  currency: Currency;
}

const accountOf = (e: RecordedEvent) => e.stream_id.slice('account-'.length);

/** The customer owning an account; null for the bank's own accounts (nobody to notify). */
async function ownerOf(tx: Queryable, schema: string, account: string): Promise<Owner | null> {
  const rows = await tx.query<Owner & { type: string }>(
    `select owner_id, currency, type from ${schema}.notification_accounts where account_number = $1`,
    [account],
  );
  const row = rows[0];
  if (!row || (SYSTEM_ACCOUNT_TYPES as readonly string[]).includes(row.type)) return null;
  return row;
}

interface Notice {
  type: 'TRANSACTION' | 'SECURITY';
  message: string;
  account_number: string | null;
  transfer_id?: string | null;
  card_id?: string | null;
}

async function notify(tx: Queryable, schema: string, e: RecordedEvent, userId: string, n: Notice): Promise<void> {
  await tx.query(
    `insert into ${schema}.notifications (id, user_id, notification_type, event_type, message, account_number,
       related_transfer_id, card_id, created_at, position)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) on conflict (id) do nothing`,
    [notificationId(e.event_id, userId), userId, n.type, e.type, n.message, n.account_number, n.transfer_id ?? null,
      n.card_id ?? null, e.recorded_at, e.position.toString()],
  );
}

/** Notifies the owner of the event's account, if it belongs to a customer. */
const forAccountOwner = (build: (d: Data, owner: Owner, account: string) => Notice) =>
  async (tx: Queryable, e: RecordedEvent, schema: string) => {
    const account = accountOf(e);
    const owner = await ownerOf(tx, schema, account);
    if (owner) await notify(tx, schema, e, owner.owner_id, build(e.data as Data, owner, account));
  };

/**
 * Read model `notifications`: what each customer is told about their money
 * and security, newest first. It keeps its own account-owner and card tables
 * (from AccountOpened and CardIssued) because events on an account stream do
 * not name the owner.
 */
export const notificationsProjection: Projection = {
  name: 'notifications',
  version: 1,
  tables: ['notifications', 'notification_accounts', 'notification_cards'],
  async setup(tx, schema) {
    await tx.query(`
      create table ${schema}.notification_accounts (
        account_number text primary key,
        owner_id text not null,
        currency text not null,
        type text not null
      );
      create table ${schema}.notification_cards (
        card_id text primary key,
        owner_id text not null,
        account_number text not null,
        last4 text not null
      );
      create table ${schema}.notifications (
        id uuid primary key,
        user_id text not null,
        notification_type text not null,
        event_type text not null,
        message text not null,
        account_number text,
        related_transfer_id text,
        card_id text,
        created_at timestamptz not null,
        position bigint not null,
        read_at timestamptz
      );
      create index on ${schema}.notifications (user_id, position desc, id desc);
      create index on ${schema}.notifications (user_id, position desc) where read_at is null;`);
  },
  apply: byEventType({
    async AccountOpened(tx, e, schema) {
      const d = e.data as Data;
      await tx.query(
        `insert into ${schema}.notification_accounts (account_number, owner_id, currency, type) values ($1, $2, $3, $4)
         on conflict (account_number) do nothing`,
        [d.account_number, d.owner_id, d.currency, d.type],
      );
    },
    async CardIssued(tx, e, schema) {
      const d = e.data as Data;
      await tx.query(
        `insert into ${schema}.notification_cards (card_id, owner_id, account_number, last4) values ($1, $2, $3, $4)
         on conflict (card_id) do nothing`,
        [d.card_id, d.owner_id, d.account_number, d.last4],
      );
    },
    AccountCredited: forAccountOwner((d, o, account) => ({
      type: 'TRANSACTION',
      account_number: account,
      transfer_id: d.transfer_id,
      message: d.kind === 'deposit'
        ? messages.deposited(d.amount!, o.currency, account)
        : messages.received(d.amount!, o.currency, d.counterparty_account!),
    })),
    AccountDebited: forAccountOwner((d, o, account) => ({
      type: 'TRANSACTION',
      account_number: account,
      transfer_id: d.transfer_id,
      message: messages.sent(d.amount!, d.fee ?? '0', o.currency, d.counterparty_account!, d.kind === 'bill'),
    })),
    FundsDeposited: forAccountOwner((d, o, account) => ({
      type: 'TRANSACTION',
      account_number: account,
      transfer_id: d.deposit_id,
      message: messages.deposited(d.amount!, o.currency, account),
    })),
    DebitReversed: forAccountOwner((d, o, account) => ({
      type: 'TRANSACTION',
      account_number: account,
      transfer_id: d.transfer_id,
      message: messages.reversed(d.amount!, o.currency, account),
    })),
    AccountFrozen: forAccountOwner((_d, _o, account) => ({ type: 'SECURITY', account_number: account, message: messages.frozen(account) })),
    AccountUnfrozen: forAccountOwner((_d, _o, account) => ({ type: 'SECURITY', account_number: account, message: messages.unfrozen(account) })),
    async CardBlocked(tx, e, schema) {
      const cardId = e.stream_id.slice('card-'.length);
      const rows = await tx.query<{ owner_id: string; account_number: string; last4: string }>(
        `select owner_id, account_number, last4 from ${schema}.notification_cards where card_id = $1`,
        [cardId],
      );
      const card = rows[0];
      if (card) {
        await notify(tx, schema, e, card.owner_id, {
          type: 'SECURITY', account_number: card.account_number, card_id: cardId, message: messages.cardBlocked(card.last4),
        });
      }
    },
    async NotificationRead(tx, e, schema) {
      const userId = e.stream_id.slice('notifications-'.length);
      const id = (e.data as Data).notification_id ?? '';
      if (!UUID.test(id)) return; // never let a malformed event stop the projector
      await tx.query(
        `update ${schema}.notifications set read_at = $3 where id = $1 and user_id = $2 and read_at is null`,
        [id, userId, e.recorded_at],
      );
    },
  }),
};
