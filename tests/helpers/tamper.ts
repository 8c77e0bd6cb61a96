import type pg from 'pg';
import { contentDigest, GENESIS_HASH, linkHash } from '../../src/eventstore/hash-chain.js';
import type { EventData } from '../../src/eventstore/port.js';

type Sql = Pick<pg.Pool, 'query'>;

/**
 * What an attacker who owns es.events does so that every chain still
 * verifies: turn the append-only guard off, rewrite one event's payload (or
 * drop it and renumber what follows), then recompute the digest and hash of
 * every later event of that stream. Only a signed checkpoint tells.
 */
export async function rewriteHistory(sql: Sql, stream: string, revision: number, change: { data: EventData } | 'drop'): Promise<void> {
  await sql.query(`alter table es.events disable trigger user`);
  const { rows } = await sql.query<{ event_id: string; revision: string; type: string; data: EventData; metadata: never }>(
    `select event_id::text, revision::text, type, data, metadata from es.events where stream_id = $1 order by revision`,
    [stream],
  );
  if (!rows.some((r) => Number(r.revision) === revision)) throw new Error(`rewriteHistory: ${stream}@${revision} not found`);
  const kept = change === 'drop'
    ? rows.filter((r) => Number(r.revision) !== revision)
    : rows.map((r) => (Number(r.revision) === revision ? { ...r, data: change.data } : r));
  if (change === 'drop') await sql.query(`delete from es.events where stream_id = $1 and revision = $2`, [stream, revision]);
  let prev = GENESIS_HASH;
  for (const [i, row] of kept.entries()) {
    const digest = contentDigest(stream, { event_id: row.event_id, type: row.type, data: row.data, metadata: row.metadata });
    const hash = linkHash(prev, BigInt(i), digest);
    await sql.query(
      `update es.events set revision = $2, data = $3::jsonb, digest = $4, prev_hash = $5, hash = $6 where event_id = $1::uuid`,
      [row.event_id, i, JSON.stringify(row.data), digest, prev, hash],
    );
    prev = hash;
  }
}
