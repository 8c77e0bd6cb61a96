import type { Projection } from '../runtime/projection.js';
import { NOTIFICATION_EVENT_TYPES } from './notices.js';
import { applyNotificationEvents, finishLoadedReads, setupLoadedReads } from './notifications-batch.js';

export { notificationId } from './notifications-batch.js';

/**
 * Read model `notifications`: what each customer is told about their money,
 * bill payments and security, and what staff are alerted to (ADMIN_ALERT),
 * newest first. It keeps its own account-owner, card and staff tables (from
 * AccountOpened, CardIssued and UserRegistered) because events on an account
 * stream do not name the owner.
 */
export const notificationsProjection: Projection = {
  name: 'notifications',
  // 2: BILL_PAYMENT and ADMIN_ALERT (to every staff user, from notification_staff).
  version: 2,
  tables: ['notifications', 'notification_accounts', 'notification_cards', 'notification_staff'],
  // Rebuilt without its key (added after the load): the reads that update by it are set aside meanwhile.
  insertOnly: ['notifications'],
  load: { setup: setupLoadedReads, finish: finishLoadedReads },
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
      create table ${schema}.notification_staff (
        user_id text primary key
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
  handles: NOTIFICATION_EVENT_TYPES,
  apply: applyNotificationEvents,
};
