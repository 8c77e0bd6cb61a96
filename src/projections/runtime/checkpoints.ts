import type { Queryable } from '../../infra/db.js';

/** The runtime's own bookkeeping: one checkpoint per projection, in `rm_meta` (made by the service migrations). */
export interface CheckpointRow {
  name: string;
  position: bigint;
  version: number;
  updated_at: Date;
}

interface RawRow {
  name: string;
  position: string;
  version: number;
  updated_at: Date | string;
}

function toRow(r: RawRow): CheckpointRow {
  return {
    name: r.name,
    position: BigInt(r.position),
    version: Number(r.version),
    updated_at: r.updated_at instanceof Date ? r.updated_at : new Date(r.updated_at),
  };
}

export async function readCheckpoints(db: Queryable): Promise<Map<string, CheckpointRow>> {
  const rows = await db.query<RawRow>(
    `select name, position::text as position, version, updated_at from rm_meta.checkpoints order by name`,
  );
  return new Map(rows.map((r) => [r.name, toRow(r)]));
}

/** Locks the named checkpoints for the rest of the transaction (in name order, so no deadlock). */
export async function lockCheckpoints(tx: Queryable, names: readonly string[]): Promise<Map<string, CheckpointRow>> {
  const rows = await tx.query<RawRow>(
    `select name, position::text as position, version, updated_at from rm_meta.checkpoints
      where name = any($1::text[]) order by name for update`,
    [names],
  );
  return new Map(rows.map((r) => [r.name, toRow(r)]));
}

export async function moveCheckpoint(tx: Queryable, name: string, position: bigint, version?: number): Promise<void> {
  await tx.query(
    `update rm_meta.checkpoints set position = $2::bigint, updated_at = now()${version === undefined ? '' : ', version = $3'}
      where name = $1`,
    version === undefined ? [name, position.toString()] : [name, position.toString(), version],
  );
}

/** Moves several checkpoints to one position in one statement. */
export async function moveCheckpoints(tx: Queryable, names: readonly string[], position: bigint): Promise<void> {
  if (names.length === 0) return;
  await tx.query(
    `update rm_meta.checkpoints set position = $2::bigint, updated_at = now() where name = any($1::text[])`,
    [names, position.toString()],
  );
}

export async function insertCheckpoint(tx: Queryable, name: string, version: number): Promise<void> {
  await tx.query(
    `insert into rm_meta.checkpoints (name, position, version) values ($1, 0, $2) on conflict (name) do nothing`,
    [name, version],
  );
}

/** The position every registered projection has reached (0 when there is none). */
export async function lowestCheckpoint(db: Queryable, names: readonly string[]): Promise<bigint> {
  if (names.length === 0) return 0n;
  const rows = await db.query<{ low: string | null; n: string }>(
    `select min(position)::text as low, count(*)::text as n from rm_meta.checkpoints where name = any($1::text[])`,
    [names],
  );
  const row = rows[0];
  if (!row || Number(row.n) < names.length || row.low === null) return 0n;
  return BigInt(row.low);
}
