import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { accountAggregate, accountStream } from '../../src/commands/accounts/account-aggregate.js';
import { newAccountNumber } from '../../src/commands/accounts/account-numbers.js';
import { AggregateRepository, LOAD_PAGE } from '../../src/commands/shared/aggregate-repository.js';
import { systemContext } from '../../src/commands/shared/command-context.js';
import { toNewEvent } from '../../src/commands/shared/new-event.js';
import { SnapshotStore } from '../../src/commands/shared/snapshots.js';
import type { AccountCommand } from '../../src/domain/accounts/commands.js';
import { accountDecider } from '../../src/domain/accounts/decider.js';
import type { AccountState } from '../../src/domain/accounts/state.js';
import type { EventStore, NewEvent, ReadStreamOptions } from '../../src/eventstore/port.js';
import { openPostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import type { SqlEventStore } from '../../src/eventstore/sql/sql-event-store.js';
import { postgresDb, type Db } from '../../src/infra/db.js';
import { migrateServiceSchema } from '../../src/migrations/service/index.js';
import { freshDatabase } from '../helpers/postgres.js';

/** The store, recording every readStream: its options and how many events it returned. */
function reading(store: SqlEventStore) {
  const reads: { options: ReadStreamOptions | undefined; returned: number }[] = [];
  const wrapped = Object.create(store) as EventStore;
  wrapped.readStream = async (stream, options) => {
    const events = await store.readStream(stream, options);
    reads.push({ options, returned: events.length });
    return events;
  };
  return { store: wrapped, reads, eventsRead: () => reads.reduce((n, r) => n + r.returned, 0) };
}

const ctx = () => systemContext('test');
const credit = (amount: bigint): AccountCommand => ({ type: 'CreditAccount', transfer_id: randomUUID(), kind: 'internal', amount, counterparty_account: 'x', fx: null });
const open = (n: string): AccountCommand => ({ type: 'OpenAccount', account_number: n, owner_id: 'bank', account_type: 'BankFees', currency: 'USD' });

/** `count` credits of 1 decided on `state`, as new events (appended behind any repository's back). */
function credits(state: AccountState, count: number): { events: NewEvent[]; state: AccountState } {
  const events: NewEvent[] = [];
  for (let i = 0; i < count; i++) {
    for (const e of accountDecider.decide(credit(1n), state, ctx())) {
      events.push(toNewEvent(e, randomUUID(), ctx()));
      state = accountDecider.evolve(state, e);
    }
  }
  return { events, state };
}

describe('aggregate snapshots: written on the write path, loads read a bounded tail', function () {
  this.timeout(120_000);
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let store: SqlEventStore;
  let db: Db;
  let snapshots: SnapshotStore;

  before(async () => {
    database = await freshDatabase('repo_snapshots');
    store = await openPostgresEventStore(database.url, 10);
    db = postgresDb(database.url, 10);
    await migrateServiceSchema(db);
    snapshots = new SnapshotStore(db);
  });
  after(async () => {
    await store.close();
    await db.end();
    await database.drop();
  });

  it('snapshots a stream written only through the in-process queue every N events', async () => {
    const repo = new AggregateRepository(store, snapshots, { snapshotEvery: 10 });
    const n = newAccountNumber();
    await repo.execute(accountAggregate, accountStream(n), open(n), ctx(), () => randomUUID());
    // 45 concurrent credits: the queue decides and appends them in groups, on its remembered state.
    await Promise.all(Array.from({ length: 45 }, () => repo.execute(accountAggregate, accountStream(n), credit(1n), ctx(), () => randomUUID())));
    await repo.snapshotsSettled();
    const snap = await snapshots.load<AccountState>(accountStream(n), accountAggregate.snapshotVersion);
    expect(snap, 'a snapshot of the queue-written stream').to.not.equal(undefined);
    // Revision 45 is the head (0 is the opening): the last multiple of 10 passed was 40.
    expect(Number(snap!.revision)).to.be.within(40, 45);
    expect(snap!.state.balance).to.equal(snap!.revision);
  });

  it('a fresh load reads the snapshot and fewer than N events past it', async () => {
    const writer = new AggregateRepository(store, snapshots, { snapshotEvery: 10 });
    const n = newAccountNumber();
    await writer.execute(accountAggregate, accountStream(n), open(n), ctx(), () => randomUUID());
    for (let round = 0; round < 5; round++) {
      await Promise.all(Array.from({ length: 33 }, () => writer.execute(accountAggregate, accountStream(n), credit(1n), ctx(), () => randomUUID())));
    }
    await writer.snapshotsSettled();
    const r = reading(store);
    const loaded = await new AggregateRepository(r.store, snapshots, { snapshotEvery: 10 }).load(accountAggregate, accountStream(n));
    expect(loaded.revision).to.equal(165n);
    expect(loaded.state.balance).to.equal(165n);
    expect(r.eventsRead()).to.be.lessThan(10);
  });

  it('reads a long tail written behind its back a page at a time, and snapshots it for the next load', async () => {
    const n = newAccountNumber();
    const opened = accountDecider.decide(open(n), accountDecider.initialState, ctx());
    await store.append(accountStream(n), opened.map((e) => toNewEvent(e, randomUUID(), ctx())), 'no_stream');
    let state = opened.reduce(accountDecider.evolve, accountDecider.initialState);
    const total = 2 * LOAD_PAGE + 345;
    for (let done = 0; done < total; done += 500) {
      const batch = credits(state, Math.min(500, total - done));
      await store.append(accountStream(n), batch.events, 'any');
      state = batch.state;
    }
    const r = reading(store);
    const loaded = await new AggregateRepository(r.store, snapshots).load(accountAggregate, accountStream(n));
    expect(loaded.revision).to.equal(BigInt(total));
    expect(loaded.state.balance).to.equal(BigInt(total));
    expect(r.reads.length, 'pages').to.equal(3);
    for (const read of r.reads) expect(read.options?.max, 'every read is bounded').to.equal(LOAD_PAGE);
    const snap = await snapshots.load<AccountState>(accountStream(n), accountAggregate.snapshotVersion);
    expect(snap?.revision).to.equal(BigInt(total));
    const again = reading(store);
    await new AggregateRepository(again.store, snapshots).load(accountAggregate, accountStream(n));
    expect(again.eventsRead()).to.equal(0);
  });

  it('a remembered state far behind the stream jumps to the newer snapshot another process wrote', async () => {
    const r = reading(store);
    const stale = new AggregateRepository(r.store, snapshots, { snapshotEvery: 10 });
    const n = newAccountNumber();
    await stale.execute(accountAggregate, accountStream(n), open(n), ctx(), () => randomUUID());
    // Another process writes 3 pages' worth of credits through its own queue.
    const other = new AggregateRepository(store, snapshots, { snapshotEvery: 10 });
    const count = 3 * LOAD_PAGE;
    for (let done = 0; done < count; done += 300) {
      await Promise.all(Array.from({ length: 300 }, () => other.execute(accountAggregate, accountStream(n), credit(1n), ctx(), () => randomUUID())));
    }
    await other.snapshotsSettled();
    const before = r.eventsRead();
    const loaded = await stale.load(accountAggregate, accountStream(n));
    expect(loaded.revision).to.equal(BigInt(count));
    expect(loaded.state.balance).to.equal(BigInt(count));
    expect(r.eventsRead() - before, 'one page, then the snapshot and its short tail').to.be.lessThan(LOAD_PAGE + 10);
  });
});
