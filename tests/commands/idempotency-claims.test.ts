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
});
