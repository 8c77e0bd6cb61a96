import type { Db } from '../infra/db.js';

/**
 * Where each `$all` follower of the command side (settlement, risk, hold
 * expiry) resumes: one row per process name in `cmd.process_checkpoints`
 * (made by the service migrations, src/migrations/service).
 */

/** The saved position of a process, 0 when it never saved one. */
export async function loadProcessCheckpoint(db: Db, name: string): Promise<bigint> {
  const rows = await db.query<{ position: string }>(`select position::text as position from cmd.process_checkpoints where name = $1`, [name]);
  return BigInt(rows[0]?.position ?? '0');
}

export async function saveProcessCheckpoint(db: Db, name: string, position: bigint): Promise<void> {
  await db.query(
    `insert into cmd.process_checkpoints (name, position) values ($1, $2::bigint)
     on conflict (name) do update set position = excluded.position, updated_at = now()`,
    [name, position.toString()],
  );
}
