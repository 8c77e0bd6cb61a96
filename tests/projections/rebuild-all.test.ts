import { expect } from 'chai';
import { pino } from 'pino';
import type { ReadAllOptions } from '../../src/eventstore/port.js';
import { openPostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import type { SqlEventStore } from '../../src/eventstore/sql/sql-event-store.js';
import { postgresDb, type Db } from '../../src/infra/db.js';
import { migrateServiceSchema } from '../../src/migrations/service/index.js';
import type { WholeLogProjection } from '../../src/projections/runtime/projection.js';
import { rebuildAll } from '../../src/projections/runtime/rebuild.js';
import { ProjectionRuntime } from '../../src/projections/runtime/runtime.js';
import { freshDatabase } from '../helpers/postgres.js';
import { counterProjection, type CounterOptions } from './fixtures/counter-projection.js';
import { appendMany, truthFromStore } from './fixtures/events.js';
import { countsIn, sortedEntries } from './helpers.js';

const logger = pino({ level: 'silent' });

describe('rebuilding several projections in one read of the log', function () {
  this.timeout(120_000);
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let store: SqlEventStore;
  let db: Db;
  let runtime: ProjectionRuntime | undefined;
  /** Events the rebuild read from the store. */
  let eventsRead = 0;

  const counters = (names: string[], options: Omit<CounterOptions, 'name'> = {}) => names.map((name) => counterProjection({ name, ...options }));
  const startLive = async (projections: ReturnType<typeof counters>) => {
    runtime = new ProjectionRuntime(store, db, logger, projections, { project: true, batchSize: 100, idleMs: 10 });
    await runtime.start();
    expect(await runtime.waitForPosition(await store.headPosition(), 30_000)).to.equal(true);
  };
  /** The store as the rebuild sees it, counting what it reads. */
  const counted = () => {
    const readAll = store.readAll.bind(store);
    return Object.assign(Object.create(store) as SqlEventStore, {
      readAll: async (options: ReadAllOptions) => {
        const events = await readAll(options);
        eventsRead += events.length;
        return events;
      },
    });
  };
  const expectCountsMatchStore = async (name: string) => {
    const truth = await truthFromStore(store);
    const counts = await countsIn(db, 'rm', `${name}_`);
    expect(sortedEntries(counts.streams), `${name} streams`).to.deep.equal(sortedEntries(truth.streams));
    expect(sortedEntries(counts.types), `${name} types`).to.deep.equal(sortedEntries(truth.types));
  };

  beforeEach(async () => {
    database = await freshDatabase('rebuild_all');
    store = await openPostgresEventStore(database.url, 10);
    db = postgresDb(database.url, 12);
    await migrateServiceSchema(db);
    eventsRead = 0;
  });
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    await store.close();
    await db.end();
    await database.drop();
  });

  it('reads the log once for all of them, checks each equal to the live build and swaps it in while events come and queries answer', async () => {
    const names = ['alpha', 'beta', 'gamma'];
    await appendMany(store, 'acc', 40, 25);
    await startLive(counters(names, { delayMs: 5 }));
    const head = await store.headPosition();

    let querying = true;
    const answers: number[] = [];
    const queries = (async () => {
      while (querying) {
        const [row] = await db.query<{ n: string }>(`select coalesce(sum(n), 0)::text as n from rm.beta_stream_counts`);
        answers.push(Number(row!.n));
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const writing = appendMany(store, 'during', 10, 20, 2, 2);
    const outcomes = await rebuildAll(counted(), db, runtime!.projections, { batchSize: 100, verify: true });
    await writing;
    querying = false;
    await queries;

    expect(outcomes.map((o) => o.name)).to.deep.equal(names);
    for (const outcome of outcomes) {
      expect(outcome.ok, outcome.name).to.equal(true);
      if (outcome.ok) expect(outcome.check, outcome.name).to.deep.equal({ compared: true, differing: [] });
    }
    // Once for the three, plus the short tails read at each swap: one by one would be three times the log.
    expect(eventsRead).to.be.at.least(Number(head));
    expect(eventsRead).to.be.below(Number(head) * 1.5);
    // Reads of the live tables answered all along, and never went backwards (the swap is atomic).
    expect(answers.length).to.be.greaterThan(10);
    for (let i = 1; i < answers.length; i++) expect(answers[i]!).to.be.at.least(answers[i - 1]!);
    expect(await runtime!.waitForPosition(await store.headPosition(), 30_000)).to.equal(true);
    for (const name of names) await expectCountsMatchStore(name);
    const leftovers = await db.query(`select 1 from information_schema.schemata where schema_name like 'rm_build_%'`);
    expect(leftovers).to.have.length(0);
  });

  it('lets a build behind the others apply the pages that queued up meanwhile in one batch, each event once and in order, within the lookahead', async () => {
    await appendMany(store, 'acc', 20, 20);
    const [quick, slowCounter] = counters(['quick', 'slow']);
    const counter = slowCounter as WholeLogProjection;
    /** The batches the rebuild gave the slow build (not the live projector's). */
    const batches: number[] = [];
    let rebuilding = false;
    // 30 ms per batch: the reader and the quick build run ahead while it applies one.
    const slow: WholeLogProjection = { ...counter, apply: async (tx, events, schema) => {
      if (!rebuilding) return counter.apply(tx, events, schema);
      batches.push(events.length);
      await tx.query('select pg_sleep(0.03)');
      await counter.apply(tx, events, schema);
    } };
    await startLive([quick!, slow]);
    // Every append visible to readers (a transaction open elsewhere on a shared server holds them back).
    for (let i = 0; (await store.headPosition()) < (await store.committedHead()); i++) {
      if (i > 300) throw new Error('appends not visible after 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    rebuilding = true;

    const outcomes = await rebuildAll(store, db, [quick!, slow], { batchSize: 10, verify: true, lookahead: 3 });
    rebuilding = false;
    for (const outcome of outcomes) expect(outcome.ok && outcome.check, outcome.name).to.deep.equal({ compared: true, differing: [] });
    expect(batches.reduce((a, b) => a + b, 0)).to.equal(400);
    expect(Math.max(...batches)).to.be.greaterThan(10);
    expect(Math.max(...batches)).to.be.at.most(40);
    expect(batches.length).to.be.below(40);
    await expectCountsMatchStore('slow');
  });

  it('leaves the live tables of a projection that fails as they were, swaps in the others and reports a live build that differed', async () => {
    await appendMany(store, 'acc', 20, 20);
    let rebuilding = false;
    const [good] = counters(['good']);
    const bad = counterProjection({ name: 'bad', poison: { type: 'Odd', active: () => rebuilding } });
    await startLive([good!, bad]);
    // The good projection's live rows are wrong: the rebuild puts them right and says they differed.
    await db.query(`update rm.good_stream_counts set n = n + 100 where stream_id = 'acc-3'`);
    const badBefore = await db.query(`select * from rm.bad_stream_counts order by stream_id`);
    expect(badBefore.length).to.equal(20);

    rebuilding = true;
    const outcomes = await rebuildAll(counted(), db, [good!, bad], { batchSize: 50, verify: true });
    rebuilding = false;

    const [goodOutcome, badOutcome] = outcomes;
    expect(goodOutcome).to.deep.include({ name: 'good', ok: true, check: { compared: true, differing: ['good_stream_counts'] } });
    expect(badOutcome).to.include({ name: 'bad', ok: false });
    expect(badOutcome!.ok ? '' : badOutcome!.error.message).to.match(/poisoned event/);
    await expectCountsMatchStore('good');
    expect(await db.query(`select * from rm.bad_stream_counts order by stream_id`)).to.deep.equal(badBefore);
    const states = await db.query<{ name: string; state: string }>(`select name, state from rm_meta.rebuilds order by name`);
    expect(states).to.deep.equal([{ name: 'bad', state: 'failed' }, { name: 'good', state: 'done' }]);
    const leftovers = await db.query(`select 1 from information_schema.schemata where schema_name like 'rm_build_%'`);
    expect(leftovers).to.have.length(0);
  });
});
