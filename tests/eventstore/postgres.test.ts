import pg from 'pg';
import { contentDigest } from '../../src/eventstore/hash-chain.js';
import type { NewEvent } from '../../src/eventstore/port.js';
import { openPostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import { freshDatabase, untilDisconnected } from '../helpers/postgres.js';
import { describeEventStoreContract, type HeldAppend } from './contract.js';
import { sqlTamper } from './support.js';

/** Runs es.append_events on its own connection inside a transaction that stays open. */
async function holdAppend(url: string, stream: string, events: NewEvent[]): Promise<HeldAppend> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin');
    const payload = JSON.stringify(events.map((e) => ({ ...e, digest: contentDigest(stream, e) })));
    const { rows } = await client.query<{ position: string }>(
      `select o_position::text as position from es.append_events($1, 'no_stream', $2::jsonb)`,
      [stream, payload],
    );
    if (rows.length !== events.length) throw new Error(`held append returned ${rows.length} rows`);
    const finish = async (sql: string) => {
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    return {
      positions: rows.map((r) => BigInt(r.position)),
      commit: () => finish('commit'),
      rollback: () => finish('rollback'),
    };
  } catch (error) {
    await client.end();
    throw error;
  }
}

describeEventStoreContract('PostgreSQL', async () => {
  const db = await freshDatabase('es_contract');
  const store = await openPostgresEventStore(db.url, 40);
  const raw = new pg.Pool({ connectionString: db.url, max: 2 });
  return {
    store,
    tamper: sqlTamper(raw),
    holdAppend: (stream, events) => holdAppend(db.url, stream, events),
    cleanup: async () => {
      await store.close();
      await raw.end();
      await untilDisconnected(db.name);
      await db.drop();
    },
  };
});
