import type { Projection } from '../runtime/projection.js';
import { applyAccountEvents } from './accounts-batch.js';
import { ACCOUNTS_HANDLES } from './accounts-fold.js';

/**
 * Balances and statements. `accounts` holds one row per account (balance and
 * holds in minor units); `account_entries` one row per money movement with the
 * balance after it, so a statement's running balance is read, not recomputed.
 * A hold (direction `hold`, amount negative) and its release (`release`) are
 * entries whose balance_after is unchanged; posting a hold is a `debit`.
 */
export const accountsProjection: Projection = {
  name: 'accounts',
  version: 2,
  tables: ['accounts', 'account_entries'],
  // One entry per event, keyed by its id, never updated: rebuilt without its primary key, added after.
  insertOnly: ['account_entries'],
  async setup(tx, schema) {
    await tx.query(`
      create table ${schema}.accounts (
        account_number text primary key,
        owner_id       text not null,
        type           text not null,
        currency       text not null,
        status         text not null,
        balance        bigint not null default 0,
        held           bigint not null default 0,
        opened_at      timestamptz not null,
        updated_at     timestamptz not null,
        last_position  bigint not null
      );
      create index on ${schema}.accounts (owner_id, opened_at desc);
      create table ${schema}.account_entries (
        event_id             uuid primary key,
        account_number       text not null,
        position             bigint not null,
        transfer_id          text not null,
        kind                 text not null,
        direction            text not null,
        amount               bigint not null,
        fee                  bigint not null,
        balance_after        bigint not null,
        counterparty_account text,
        fx                   jsonb,
        occurred_at          timestamptz not null
      );
      create index on ${schema}.account_entries (account_number, position desc);`);
  },
  handles: ACCOUNTS_HANDLES,
  apply: applyAccountEvents,
};
