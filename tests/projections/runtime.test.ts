import { expect } from 'chai';
import { pino } from 'pino';
import type { SqlEventStore } from '../../src/eventstore/sql/sql-event-store.js';
import { openPostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import { openPGlite, openPGliteEventStore } from '../../src/eventstore/pglite/pglite-event-store.js';
import { pgliteDb, postgresDb, type Db } from '../../src/infra/db.js';
import { ProjectionRuntime } from '../../src/projections/runtime/runtime.js';
import { freshDatabase } from '../helpers/postgres.js';
import { counterProjection } from './fixtures/counter-projection.js';
import { appendMany, testEvent, truthFromStore } from './fixtures/events.js';
import { checkpointOf, countsIn, sortedEntries, until } from './helpers.js';

const logger = pino({ level: 'silent' });

async function expectCountsMatchStore(db: Db, store: SqlEventStore): Promise<void> {
  const truth = await truthFromStore(store);
  const counts = await countsIn(db);
  expect(sortedEntries(counts.streams)).to.deep.equal(sortedEntries(truth.streams));
  expect(sortedEntries(counts.types)).to.deep.equal(sortedEntries(truth.types));
}

describe('projector runtime (PostgreSQL)', function () {
  this.timeout(60_000);
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let store: SqlEventStore;
  let db: Db;
  const runtimes: ProjectionRuntime[] = [];
  const runtime = (projection = counterProjection(), project = true, batchSize = 100) => {
    const r = new ProjectionRuntime(store, db, logger, [projection], { project, batchSize, idleMs: 10, checkpointPollMs: 10 });
    runtimes.push(r);
    return r;
  };

  beforeEach(async () => {
    database = await freshDatabase('proj');
    store = await openPostgresEventStore(database.url, 10);
    db = postgresDb(database.url, 10);
  });
  afterEach(async () => {
    await Promise.all(runtimes.splice(0).map((r) => r.stop()));
    await store.close();
    await db.end();
    await database.drop();
  });

  it('applies every event once and moves the checkpoint to the head', async () => {
    await appendMany(store, 'acc', 20, 30);
    const r = runtime();
    await r.start();
    const head = await store.headPosition();
    expect(await r.waitForPosition(head, 20_000)).to.equal(true);
    expect(await checkpointOf(db, 'counter')).to.equal(head);
    await expectCountsMatchStore(db, store);
  });

  it('lets a query wait for a position, and gives up after the timeout', async () => {
    const r = runtime();
    await r.start();
    const appended = await store.append('w-1', [testEvent()], 'no_stream');
    expect(await r.waitForPosition(appended.position, 5_000)).to.equal(true);
    const rows = await db.query<{ n: string }>(`select n::text as n from rm.stream_counts where stream_id = 'w-1'`);
    expect(rows[0]?.n).to.equal('1');
    const started = Date.now();
    expect(await r.waitForPosition(appended.position + 1_000n, 150)).to.equal(false);
    expect(Date.now() - started).to.be.at.least(140);
  });

  it('rolls back a failed batch with its checkpoint and resumes without loss', async () => {
    let poisoned = true;
    const r = runtime(counterProjection({ poison: { type: 'Poison', active: () => poisoned } }), true, 1000);
    await store.append('p-1', [testEvent('Even'), testEvent('Even')], 'no_stream');
    const bad = await store.append('p-2', [testEvent('Poison')], 'no_stream');
    await r.start();
    await until(async () => (await r.status()).last_error !== null, 5_000, 'the failure to be reported');
    // The whole batch (the good events before the poison too) was rolled back.
    expect(await checkpointOf(db, 'counter')).to.equal(0n);
    expect((await countsIn(db)).streams.size).to.equal(0);
    poisoned = false;
    expect(await r.waitForPosition(bad.position, 15_000)).to.equal(true);
    await expectCountsMatchStore(db, store);
  });

  it('goes back to a checkpoint found behind where it reads (a batch commit lost in a crash) instead of skipping events', async () => {
    await appendMany(store, 'acc', 4, 5);
    const r = runtime();
    await r.start();
    expect(await r.waitForPosition(await store.headPosition(), 20_000)).to.equal(true);
    // What a crash does to a batch that committed without waiting for the disk: its rows and checkpoint are gone.
    await db.query(`delete from rm.stream_counts; delete from rm.type_counts; update rm_meta.checkpoints set position = 0 where name = 'counter'`);
    const later = await store.append('acc-later', [testEvent()], 'no_stream');
    await until(async () => (await checkpointOf(db, 'counter')) >= later.position, 15_000, 'the projector to catch up again');
    await expectCountsMatchStore(db, store);
  });

  it('never applies an event twice when two projector processes run at once', async () => {
    const first = runtime(counterProjection(), true, 7);
    const second = runtime(counterProjection(), true, 11);
    await first.start();
    await second.start();
    await appendMany(store, 'race', 16, 40, 3, 8);
    const head = await store.headPosition();
    expect(await first.waitForPosition(head, 30_000)).to.equal(true);
    expect(await second.waitForPosition(head, 30_000)).to.equal(true);
    await expectCountsMatchStore(db, store);
  });

  it('answers min_position from the checkpoints when the projector runs elsewhere', async () => {
    const reader = runtime(counterProjection(), false);
    await reader.start();
    const appended = await store.append('x-1', [testEvent()], 'no_stream');
    expect(await reader.waitForPosition(appended.position, 100)).to.equal(false);
    const projector = runtime();
    await projector.start();
    expect(await reader.waitForPosition(appended.position, 5_000)).to.equal(true);
  });

  it('reads no checkpoint while no query waits, when the projector runs elsewhere', async () => {
    let statements = 0;
    const counted: Db = { ...db, query: (text, params) => (statements++, db.query(text, params)) };
    const reader = new ProjectionRuntime(store, counted, logger, [counterProjection()], { project: false, checkpointPollMs: 10 });
    runtimes.push(reader);
    await reader.start();
    // What the process sends over 150 ms, once a poll already under way (one tick at most) is over.
    const idle = async () => {
      await new Promise((r) => setTimeout(r, 30));
      const before = statements;
      await new Promise((r) => setTimeout(r, 150));
      return statements - before;
    };
    expect(await idle(), 'statements while idle after start').to.equal(0);
    const appended = await store.append('idle-1', [testEvent()], 'no_stream');
    expect(await reader.waitForPosition(appended.position, 60)).to.equal(false);
    expect(statements, 'polled while a query waited').to.be.greaterThan(1);
    expect(await idle(), 'statements once the wait timed out').to.equal(0);
    const projector = runtime();
    await projector.start();
    expect(await reader.waitForPosition(appended.position, 5_000)).to.equal(true);
    expect(await idle(), 'statements once the wait was answered').to.equal(0);
  });

  it('reports lag per projection', async () => {
    const reader = runtime(counterProjection(), false);
    await reader.start();
    const projector = runtime();
    await projector.start();
    await projector.stop();
    await appendMany(store, 'lag', 3, 4, 2, 1);
    const status = await reader.status();
    expect(status.head_position).to.equal((await store.headPosition()).toString());
    const counter = status.projections.find((p) => p.name === 'counter');
    expect(counter?.state).to.equal('live');
    expect(counter?.lag).to.equal('12');
  });

  it('rebuilds from position 0 into fresh tables and swaps them in while events keep coming', async () => {
    await appendMany(store, 'rb', 30, 20);
    // Each batch takes a while, so events written meanwhile reach the rebuild however fast it reads.
    const r = runtime(counterProjection({ delayMs: 100 }));
    await r.start();
    expect(await r.waitForPosition(await store.headPosition(), 20_000)).to.equal(true);
    // Damage the live tables: the rebuild must not start from them.
    await db.query(`update rm.stream_counts set n = n + 100`);
    await db.query(`delete from rm.type_counts`);
    const writing = appendMany(store, 'during', 10, 30, 3, 2);
    const progress = await r.rebuild('counter');
    await writing;
    expect(progress.events).to.be.greaterThan(600);
    const head = await store.headPosition();
    expect(await r.waitForPosition(head, 20_000)).to.equal(true);
    await expectCountsMatchStore(db, store);
    const leftovers = await db.query(`select 1 from information_schema.schemata where schema_name like 'rm_build_%'`);
    expect(leftovers).to.have.length(0);
    const rebuilds = await db.query<{ state: string }>(`select state from rm_meta.rebuilds where name = 'counter'`);
    expect(rebuilds[0]?.state).to.equal('done');
  });

  it('rebuilds a projection whose version changed before serving it', async () => {
    await appendMany(store, 'v', 10, 10);
    const v1 = runtime(counterProjection({ version: 1 }));
    await v1.start();
    expect(await v1.waitForPosition(await store.headPosition(), 10_000)).to.equal(true);
    await v1.stop();
    await db.query(`update rm.stream_counts set n = 0`); // what v1 left is not what v2 computes
    const v2 = runtime(counterProjection({ version: 2 }));
    await v2.start();
    expect(await v2.waitForPosition(await store.headPosition(), 20_000)).to.equal(true);
    await expectCountsMatchStore(db, store);
    const status = await v2.status();
    expect(status.projections[0]).to.include({ version: 2, state: 'live', lag: '0' });
    const version = await db.query<{ version: number }>(`select version from rm_meta.checkpoints where name = 'counter'`);
    expect(Number(version[0]?.version)).to.equal(2);
  });
});

describe('projector runtime (embedded PGlite)', function () {
  this.timeout(60_000);
  it('projects, waits for positions and rebuilds on the single-connection store', async () => {
    const { db: pglite, release } = await openPGlite('memory://');
    const store = await openPGliteEventStore(pglite, async () => release());
    const db = pgliteDb(pglite);
    const r = new ProjectionRuntime(store, db, logger, [counterProjection()], { project: true, batchSize: 50, idleMs: 10 });
    try {
      await r.start();
      store.onAppended(() => r.nudge());
      await appendMany(store, 'pg', 5, 20, 4, 2);
      expect(await r.waitForPosition(await store.headPosition(), 20_000)).to.equal(true);
      await expectCountsMatchStore(db, store);
      await db.query(`update rm.stream_counts set n = -1`);
      await r.rebuild('counter');
      await expectCountsMatchStore(db, store);
    } finally {
      await r.stop();
      await store.close();
    }
  });
});
