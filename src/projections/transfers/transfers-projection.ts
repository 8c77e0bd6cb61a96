import type { Projection } from '../runtime/projection.js';
import { applyTransferEvents } from './transfers-batch.js';
import { TRANSFERS_HANDLES } from './transfers-fold.js';

/**
 * Customer transfers, one row per transfer id, for the transfer lists.
 * Completed ones come from the ledger (AccountDebited, then the receiver's
 * AccountCredited or the sender's DebitReversed); pending high-value ones
 * from their `transfer-<id>` stream (pending_otp, confirmed, locked, expired,
 * failed). `transfer_accounts` keeps each account's owner and currency, so
 * the lists can tell own from others' accounts without another projection.
 * Batches are folded in memory (transfers-fold.ts) and written set-wise
 * (transfers-batch.ts).
 */
export const transfersProjection: Projection = {
  name: 'transfers',
  version: 1,
  tables: ['transfers', 'transfer_accounts'],
  async setup(tx, schema) {
    await tx.query(`
      create table ${schema}.transfer_accounts (
        account_number text primary key,
        owner_id       text not null,
        currency       text not null
      );
      create index on ${schema}.transfer_accounts (owner_id);
      create table ${schema}.transfers (
        transfer_id            text primary key,
        kind                   text not null,
        status                 text not null,
        sender_account         text not null,
        receiver_account       text not null,
        amount                 bigint not null,
        fee                    bigint not null,
        currency               text not null,
        credited_amount        bigint not null,
        receiver_currency      text not null,
        fx                     jsonb,
        sender_balance_after   bigint,
        receiver_balance_after bigint,
        attempts_left          int,
        failure_code           text,
        created_at             timestamptz not null,
        created_position       bigint not null,
        updated_position       bigint not null
      );
      create index on ${schema}.transfers (sender_account, created_position desc);
      create index on ${schema}.transfers (receiver_account, created_position desc);`);
  },
  handles: TRANSFERS_HANDLES,
  apply: applyTransferEvents,
};
