import type { Db } from '../../src/infra/db.js';

/** The counts of a counter projection (fixtures/counter-projection.ts); `prefix` its tables' (`name_` for a named one). */
export async function countsIn(db: Db, schema = 'rm', prefix = ''): Promise<{ streams: Map<string, number>; types: Map<string, number> }> {
  const streams = await db.query<{ stream_id: string; n: string }>(`select stream_id, n::text as n from ${schema}.${prefix}stream_counts`);
  const types = await db.query<{ type: string; n: string }>(`select type, n::text as n from ${schema}.${prefix}type_counts`);
  return {
    streams: new Map(streams.map((r) => [r.stream_id, Number(r.n)])),
    types: new Map(types.map((r) => [r.type, Number(r.n)])),
  };
}

export async function checkpointOf(db: Db, name: string): Promise<bigint> {
  const rows = await db.query<{ position: string }>(`select position::text as position from rm_meta.checkpoints where name = $1`, [name]);
  return BigInt(rows[0]?.position ?? '0');
}

export async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const sortedEntries = (m: Map<string, number>) => [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
