import type { Queryable } from '../../infra/db.js';
import { insertRows, type RowColumn } from '../runtime/insert-rows.js';
import { foldAccounts, splitAccountsOf, type AccountsEvent, type Entry } from './accounts-fold.js';

const ENTRY_COLUMNS: readonly RowColumn<Entry>[] = [
  ['event_id', 'uuid'], ['account_number', 'text'], ['position', 'bigint'], ['transfer_id', 'text'], ['kind', 'text'],
  ['direction', 'text'], ['amount', 'bigint'], ['fee', 'bigint'], ['balance_after', 'bigint'],
  ['counterparty_account', 'text'], ['fx', 'jsonb'], ['occurred_at', 'timestamptz'],
];

/**
 * Applies a batch of events to `accounts` and `account_entries` with a fixed
 * number of statements whatever its size (column arrays through unnest), so a
 * rebuild costs per batch, not per event: the batch is folded in memory
 * (accounts-fold.ts; the bank's split accounts start from their stored
 * balances), then written. The result is exactly what applying the
 * events one by one gives.
 */
export async function applyAccountEvents(tx: Queryable, events: readonly AccountsEvent[], schema: string): Promise<void> {
  const split = splitAccountsOf(events);
  const balances = split.length === 0 ? [] : await tx.query<{ account_number: string; balance: string }>(
    `select account_number, balance::text as balance from ${schema}.accounts where account_number = any($1::text[])`,
    [split],
  );
  const { opened, entries, changes } = foldAccounts(events, new Map(balances.map((r) => [r.account_number, BigInt(r.balance)])));
  if (opened.length > 0) {
    await tx.query(
      `insert into ${schema}.accounts (account_number, owner_id, type, currency, status, opened_at, updated_at, last_position)
       select n, o, t, c, 'active', at, at, p
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::bigint[]) as x(n, o, t, c, at, p)
       on conflict (account_number) do nothing`,
      [
        opened.map((r) => r.account_number), opened.map((r) => r.owner_id), opened.map((r) => r.type),
        opened.map((r) => r.currency), opened.map((r) => r.occurred_at), opened.map((r) => r.position),
      ],
    );
  }
  await insertRows<Entry>(tx, `${schema}.account_entries`, ENTRY_COLUMNS, entries, 'on conflict do nothing');
  if (changes.size > 0) {
    const rows = [...changes.entries()];
    await tx.query(
      `update ${schema}.accounts a
          set balance = coalesce(v.balance, a.balance),
              status = coalesce(v.status, a.status),
              held = a.held + v.held_delta,
              updated_at = coalesce(v.updated_at, a.updated_at),
              last_position = v.last_position
         from unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::timestamptz[], $6::bigint[])
              as v(account_number, balance, status, held_delta, updated_at, last_position)
        where a.account_number = v.account_number`,
      [
        rows.map(([n]) => n), rows.map(([, c]) => c.balance), rows.map(([, c]) => c.status),
        rows.map(([, c]) => c.heldDelta.toString()), rows.map(([, c]) => c.updatedAt), rows.map(([, c]) => c.lastPosition),
      ],
    );
  }
}
