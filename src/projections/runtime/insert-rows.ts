import type { Queryable } from '../../infra/db.js';
import { pgColumns } from '../../infra/pg-array.js';
import { copyText } from '../../infra/pg-copy.js';

/** A column written by insertRows: its name (a key of the row) and SQL type. */
export type RowColumn<T> = readonly [name: keyof T & string, type: string];

/** Transactions of a rebuild's load (see loadTransaction). */
const loads = new WeakSet<Queryable>();

/**
 * Marks `tx` as a transaction of a rebuild's load: it writes only fresh build
 * tables, and every event is applied once, in log order, so a row insertRows
 * writes there can never meet one with the same key (its `onConflict` would
 * skip nothing). insertRows then sends its rows with COPY where the backend
 * has it: no column arrays to parse and unnest on the server, and heap pages
 * filled several rows at a time, with one WAL record per page.
 */
export function loadTransaction(tx: Queryable): Queryable {
  loads.add(tx);
  return tx;
}

/** True in a rebuild's load transaction (loadTransaction). */
export const inLoad = (tx: Queryable): boolean => loads.has(tx);

/**
 * Inserts `rows` into `table` (schema-qualified): by COPY in a rebuild's load
 * (loadTransaction), otherwise by one `insert ... select from unnest(column
 * arrays) <onConflict>`. A key met twice in a load fails it (COPY has no
 * `on conflict`): a failed rebuild leaves the live tables as they were.
 */
export async function insertRows<T>(tx: Queryable, table: string, columns: readonly RowColumn<T>[], rows: readonly T[], onConflict = ''): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map(([name]) => name);
  if (tx.copyFrom && inLoad(tx)) {
    await tx.copyFrom(`copy ${table} (${names.join(', ')}) from stdin`, copyText(rows, names));
    return;
  }
  await tx.query(
    `insert into ${table} (${names.join(', ')})
     select * from unnest(${columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')}) ${onConflict}`,
    pgColumns(rows, names),
  );
}
