import { migrateServiceSchema } from '../../src/migrations/service/index.js';
import { expect } from 'chai';
import { IdempotencyInProgressError, IdempotencyStore, LEASE_SECONDS } from '../../src/commands/shared/idempotency.js';
import { isDatabaseUnavailable } from '../../src/infra/database-unavailable.js';
import { postgresDb, type Db } from '../../src/infra/db.js';
import { freshDatabase, type ScratchDatabase } from '../helpers/postgres.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The real database behind a switch: while `down`, every statement fails as a lost connection does. */
function interruptible(db: Db): Db & { down: boolean } {
  const lost = () => new Error('Connection terminated unexpectedly');
  const wrapped = {
    ...db,
    down: false,
    query: <R>(text: string, params?: readonly unknown[]) => (wrapped.down ? Promise.reject(lost()) : db.query<R>(text, params)),
  };
  return wrapped;
}

/**
 * The real database, each statement run in its own explicit transaction that
 * also reads the synchronous_commit its commit will use: records, per statement
 * kind (its first word), whether that commit waits for the WAL flush.
 */
function flushWatching(db: Db): Db & { waits: Array<[string, boolean]> } {
  const waits: Array<[string, boolean]> = [];
  const query = <R>(text: string, params?: readonly unknown[]) =>
    db.transaction(async (tx) => {
      const rows = await tx.query<R>(text, params);
      const [setting] = await tx.query<{ synchronous_commit: string }>('show synchronous_commit');
      waits.push([text.trim().split(/\s/)[0]!, setting!.synchronous_commit !== 'off']);
      return rows;
    });
  return { ...db, query, waits };
}

/**
 * Idempotency claims on real PostgreSQL as processes stop, die and lose their
 * database: a claim whose request never answered is released so that a retry
 * proceeds at once; a killed process's claim expires after the lease.
 */
describe('idempotency claims: released on stop and failure, expired after a kill', function () {
  this.timeout(30_000);
  let database: ScratchDatabase;
  let db: Db;
  const row = async (key: string) => (await db.query<{ state: string; lease: number }>(
    `select state, extract(epoch from lease_until - created_at)::float8 as lease from cmd.idempotency_keys where key = $1`, [key]))[0];

  before(async () => {
    database = await freshDatabase('idem');
    db = postgresDb(database.url, 4);
    await migrateServiceSchema(db);
  });
  after(async () => {
    await db?.end();
    await database?.drop();
  });

  it('a stopping process releases the claims it holds (a retry elsewhere proceeds at once) and takes no new ones', async () => {
    const stopping = new IdempotencyStore(db);
    expect(await stopping.claim('u1', 'transfers.internal', 'k-stop', 'print')).to.deep.equal({ kind: 'new' });
    expect(await stopping.claim('u1', 'transfers.internal', 'k-done', 'print')).to.deep.equal({ kind: 'new' });
    await stopping.complete('u1', 'transfers.internal', 'k-done', { status: 201, body: { ok: true } });
    const other = new IdempotencyStore(db);
    const busy = await other.claim('u1', 'transfers.internal', 'k-stop', 'print').catch((e: unknown) => e);
    expect(busy).to.be.instanceOf(IdempotencyInProgressError);
    expect(await stopping.close(), 'claims released').to.equal(1);
    expect(await row('k-stop')).to.equal(undefined);
    expect((await row('k-done'))?.state, 'completed answers are kept').to.equal('done');
    expect(await other.claim('u1', 'transfers.internal', 'k-stop', 'print')).to.deep.equal({ kind: 'new' });
    const refused = await stopping.claim('u1', 'transfers.internal', 'k-new', 'print').catch((e: unknown) => e);
    expect(isDatabaseUnavailable(refused), String(refused)).to.equal(true);
  });

  it(`a killed process's claim lasts ${LEASE_SECONDS} s, then another request takes it`, async () => {
    const killed = new IdempotencyStore(db);
    await killed.claim('u2', 'bill', 'k-kill', 'print');
    expect((await row('k-kill'))?.lease).to.be.closeTo(LEASE_SECONDS, 1);
    expect(LEASE_SECONDS).to.be.at.most(15);
    const other = new IdempotencyStore(db);
    expect(await other.claim('u2', 'bill', 'k-kill', 'print').catch((e: unknown) => e)).to.be.instanceOf(IdempotencyInProgressError);
    // Time passes (the lease runs out).
    await db.query(`update cmd.idempotency_keys set lease_until = now() - interval '1 second' where key = 'k-kill'`);
    expect(await other.claim('u2', 'bill', 'k-kill', 'print')).to.deep.equal({ kind: 'new' });
  });

  it('a release that fails because the database is gone is done once it is back, without waiting for the lease', async () => {
    const flaky = interruptible(db);
    const store = new IdempotencyStore(flaky);
    await store.claim('u3', 'deposit', 'k-flaky', 'print');
    flaky.down = true;
    await store.releaseEventually('u3', 'deposit', 'k-flaky');
    expect((await row('k-flaky'))?.state, 'still claimed while the database is away').to.equal('in_flight');
    await sleep(600);
    flaky.down = false;
    const deadline = Date.now() + 5_000;
    while ((await row('k-flaky')) !== undefined && Date.now() < deadline) await sleep(100);
    expect(await row('k-flaky'), 'released in the background').to.equal(undefined);
    expect(await store.close(), 'nothing left to release').to.equal(0);
  });

  it('claims, takeovers and releases commit without waiting for the flush; an answer waits unless its effect replays from its events', async () => {
    const watched = flushWatching(db);
    const store = new IdempotencyStore(watched);
    await store.claim('u2', 'transfers.internal', 'k-async-1', 'print');
    await store.complete('u2', 'transfers.internal', 'k-async-1', { status: 201, body: { ok: 1 } }, { durable: false });
    await store.claim('u2', 'transfers.internal', 'k-async-2', 'print');
    await store.complete('u2', 'transfers.internal', 'k-async-2', { status: 201, body: { ok: 2 } });
    await store.claim('u2', 'transfers.internal', 'k-async-3', 'print');
    await db.query(`update cmd.idempotency_keys set lease_until = now() - interval '1 second' where key = 'k-async-3'`);
    expect(await new IdempotencyStore(watched).claim('u2', 'transfers.internal', 'k-async-3', 'print'), 'taken over').to.deep.equal({ kind: 'new' });
    await store.release('u2', 'transfers.internal', 'k-async-3');
    expect(await row('k-async-3'), 'released').to.equal(undefined);
    expect((await row('k-async-1'))?.state).to.equal('done');
    expect(watched.waits).to.deep.equal([
      ['insert', false],
      ['update', false],
      ['insert', false],
      ['update', true],
      ['insert', false],
      ['insert', false],
      ['select', true],
      ['update', false],
      ['delete', false],
    ]);
  });
});
