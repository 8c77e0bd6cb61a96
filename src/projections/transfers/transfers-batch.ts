import type { Queryable } from '../../infra/db.js';
import { pgColumns } from '../../infra/pg-array.js';
import { insertRows, type RowColumn } from '../runtime/insert-rows.js';
import { foldTransfers, transfersTouched, type NewTransfer, type TransferState, type TransfersChanges, type TransfersEvent } from './transfers-fold.js';

const TRANSFER_COLUMNS: readonly RowColumn<NewTransfer>[] = [
  ['transfer_id', 'text'], ['kind', 'text'], ['status', 'text'], ['sender_account', 'text'], ['receiver_account', 'text'],
  ['amount', 'bigint'], ['fee', 'bigint'], ['currency', 'text'], ['credited_amount', 'bigint'], ['receiver_currency', 'text'],
  ['fx', 'jsonb'], ['sender_balance_after', 'bigint'], ['receiver_balance_after', 'bigint'], ['attempts_left', 'int'],
  ['failure_code', 'text'], ['created_at', 'timestamptz'], ['created_position', 'bigint'], ['updated_position', 'bigint'],
];

/**
 * Applies a batch of events to `transfers` and `transfer_accounts` with a
 * fixed number of statements whatever its size (column arrays through
 * unnest), so a rebuild costs per batch, not per event: the rows the batch
 * touches are read once, folded with its events (transfers-fold.ts), and the
 * new rows inserted and the changed ones updated.
 */
export async function applyTransferEvents(tx: Queryable, events: readonly TransfersEvent[], schema: string): Promise<void> {
  const touched = transfersTouched(events);
  if (touched.accounts.length === 0 && touched.transfers.length === 0) return;
  const currencies = new Map<string, string>();
  if (touched.accounts.length > 0) {
    const rows = await tx.query<{ account_number: string; currency: string }>(
      `select account_number, currency from ${schema}.transfer_accounts where account_number = any($1::text[])`,
      [touched.accounts],
    );
    for (const r of rows) currencies.set(r.account_number, r.currency);
  }
  const transfers = new Map<string, TransferState>();
  if (touched.transfers.length > 0) {
    const rows = await tx.query<TransferState & { transfer_id: string; attempts_left: number | string | null }>(
      `select transfer_id, status, receiver_account, sender_balance_after::text as sender_balance_after,
              receiver_balance_after::text as receiver_balance_after, attempts_left, failure_code,
              updated_position::text as updated_position
         from ${schema}.transfers where transfer_id = any($1::text[])`,
      [touched.transfers],
    );
    for (const { transfer_id, ...r } of rows) transfers.set(transfer_id, { ...r, attempts_left: r.attempts_left === null ? null : Number(r.attempts_left) });
  }
  await writeTransferChanges(tx, foldTransfers({ currencies, transfers }, events), schema);
}

async function writeTransferChanges(tx: Queryable, changes: TransfersChanges, schema: string): Promise<void> {
  const { accounts: opened, inserts, updates } = changes;
  if (opened.length > 0) {
    await tx.query(
      `insert into ${schema}.transfer_accounts (account_number, owner_id, currency)
       select * from unnest($1::text[], $2::text[], $3::text[])
       on conflict do nothing`,
      [opened.map((r) => r.account_number), opened.map((r) => r.owner_id), opened.map((r) => r.currency)],
    );
  }
  await insertRows<NewTransfer>(tx, `${schema}.transfers`, TRANSFER_COLUMNS, inserts);
  if (updates.length > 0) {
    await tx.query(
      `update ${schema}.transfers t
          set status = v.status,
              sender_balance_after = v.sender_balance_after,
              receiver_balance_after = v.receiver_balance_after,
              attempts_left = v.attempts_left,
              failure_code = v.failure_code,
              updated_position = v.updated_position
         from unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::int[], $6::text[], $7::bigint[])
              as v(transfer_id, status, sender_balance_after, receiver_balance_after, attempts_left, failure_code, updated_position)
        where t.transfer_id = v.transfer_id`,
      pgColumns(updates, ['transfer_id', 'status', 'sender_balance_after', 'receiver_balance_after', 'attempts_left', 'failure_code', 'updated_position']),
    );
  }
}
