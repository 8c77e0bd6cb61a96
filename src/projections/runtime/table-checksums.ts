import type { Queryable } from '../../infra/db.js';
import type { Projection } from './projection.js';

/** Rows and an order-independent sum of row hashes: equal tables give equal checksums. */
export interface TableChecksum {
  rows: string;
  sum: string;
}

async function checksum(tx: Queryable, schema: string, table: string): Promise<TableChecksum> {
  const [row] = await tx.query<TableChecksum>(
    `select count(*)::text as rows, coalesce(sum(hashtextextended(t::text, 0)), 0)::text as sum from ${schema}.${table} t`,
  );
  return row!;
}

/** True when every table of the projection exists in `schema`. */
export async function tablesExist(tx: Queryable, projection: Projection, schema: string): Promise<boolean> {
  const rows = await tx.query<{ missing: string }>(
    `select count(*)::text as missing from unnest($1::text[]) as t(name) where to_regclass($2 || '.' || t.name) is null`,
    [projection.tables, schema],
  );
  return rows[0]?.missing === '0';
}

/**
 * The tables of `projection` whose rows differ between two schemas (same
 * setup, so same columns in the same order); empty when they are equal.
 */
export async function differingTables(tx: Queryable, projection: Projection, schemaA: string, schemaB: string): Promise<string[]> {
  const differing: string[] = [];
  for (const table of projection.tables) {
    const [a, b] = [await checksum(tx, schemaA, table), await checksum(tx, schemaB, table)];
    if (a.rows !== b.rows || a.sum !== b.sum) differing.push(table);
  }
  return differing;
}
