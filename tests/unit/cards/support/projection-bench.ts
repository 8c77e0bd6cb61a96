// Shared by tests/projections/cards*.test.ts and notifications*.test.ts (kept here, inside the cards test folder).
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { EventStore, NewEvent } from '../../../../src/eventstore/port.js';
import { openPostgresEventStore } from '../../../../src/eventstore/postgres/postgres-event-store.js';
import type { SqlEventStore } from '../../../../src/eventstore/sql/sql-event-store.js';
import { postgresDb, type Db } from '../../../../src/infra/db.js';
import type { Projection } from '../../../../src/projections/runtime/projection.js';
import { ProjectionRuntime } from '../../../../src/projections/runtime/runtime.js';
import { freshDatabase } from '../../../helpers/postgres.js';

/** A real PostgreSQL event store and read-model db with one projection running over them. */
export async function projectionBench(projection: Projection): Promise<{
  store: SqlEventStore;
  db: Db;
  runtime: ProjectionRuntime;
  /** Appends then waits until the projection has applied it. */
  append(stream: string, events: { type: string; data: object }[]): Promise<bigint>;
  /** Waits until the projection has applied every event committed so far. */
  caughtUp(): Promise<void>;
  close(): Promise<void>;
}> {
  const database = await freshDatabase('projcards');
  const store = await openPostgresEventStore(database.url, 5);
  const db = postgresDb(database.url, 5);
  const runtime = new ProjectionRuntime(store, db, pino({ level: 'silent' }), [projection], { project: true, batchSize: 7, idleMs: 10 });
  await runtime.start();
  // Waits for the newest committed event, not the head readers may see yet: that one lags while any
  // transaction older than the last appends is open on the server (another test's, on a shared server).
  const caughtUp = async () => {
    if (!(await runtime.waitForPosition(await store.committedHead(), 15_000))) throw new Error('projection did not catch up');
  };
  return {
    store,
    db,
    runtime,
    async append(stream, events) {
      const result = await appendTo(store, stream, events);
      runtime.nudge();
      // Wait for this append's own position: the store's head may lag behind it while any
      // other transaction on the server is open (visibility follows the cluster-wide xmin).
      if (!(await runtime.waitForPosition(result, 15_000))) throw new Error('projection did not catch up');
      return result;
    },
    caughtUp,
    async close() {
      await runtime.stop();
      await store.close();
      await db.end();
      await database.drop();
    },
  };
}

export function asNew(type: string, data: object): NewEvent {
  return {
    event_id: randomUUID(),
    type,
    data: data as NewEvent['data'],
    metadata: {
      correlation_id: randomUUID(),
      causation_id: null,
      actor: { user_id: null, role: 'test', ip: null },
      schema_version: 1,
      occurred_at: new Date().toISOString(),
    },
  };
}

export async function appendTo(store: EventStore, stream: string, events: { type: string; data: object }[]): Promise<bigint> {
  const result = await store.append(stream, events.map((e) => asNew(e.type, e.data)), 'any');
  return result.position;
}
