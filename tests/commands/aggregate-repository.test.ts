import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { accountAggregate, accountStream } from '../../src/commands/accounts/account-aggregate.js';
import { newAccountNumber } from '../../src/commands/accounts/account-numbers.js';
import { AggregateRepository } from '../../src/commands/shared/aggregate-repository.js';
import { systemContext } from '../../src/commands/shared/command-context.js';
import { SnapshotStore } from '../../src/commands/shared/snapshots.js';
import type { AccountCommand } from '../../src/domain/accounts/commands.js';
import { DomainError } from '../../src/domain/shared/domain-error.js';
import type { EventStore } from '../../src/eventstore/port.js';
import { openPostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import type { SqlEventStore } from '../../src/eventstore/sql/sql-event-store.js';
import { postgresDb, type Db } from '../../src/infra/db.js';
import { freshDatabase } from '../helpers/postgres.js';
import { migrateServiceSchema } from '../../src/migrations/service/index.js';

/** The store, counting appends. */
function counting(store: SqlEventStore): { store: EventStore; appends: () => number } {
  let appends = 0;
  const wrapped = Object.create(store) as EventStore;
  wrapped.append = (...args) => {
    appends++;
    return store.append(...args);
  };
  return { store: wrapped, appends: () => appends };
}

describe('aggregate repository: commands of one stream queue and append together', function () {
  this.timeout(60_000);
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let store: SqlEventStore;
  let db: Db;
  const ctx = () => systemContext('test');

  before(async () => {
    database = await freshDatabase('repo_groups');
    store = await openPostgresEventStore(database.url, 10);
    db = postgresDb(database.url, 10);
    await migrateServiceSchema(db);
  });
  after(async () => {
    await store.close();
    await db.end();
    await database.drop();
  });

  const opened = async (repo: AggregateRepository) => {
    const n = newAccountNumber();
    await repo.execute(accountAggregate, accountStream(n), { type: 'OpenAccount', account_number: n, owner_id: 'u', account_type: 'Basic', currency: 'USD' }, ctx(), () => randomUUID());
    return n;
  };
  const credit = (transfer_id: string, amount: bigint): AccountCommand => ({ type: 'CreditAccount', transfer_id, kind: 'internal', amount, counterparty_account: 'x', fx: null });
  const debit = (transfer_id: string, amount: bigint): AccountCommand => ({
    type: 'DebitAccount', transfer_id, kind: 'internal', amount, fee: 0n, counterparty_account: 'x', credit_amount: amount, fx: null, fee_account: null,
  });

  it('lands 30 concurrent credits in fewer appends, each with its own event, revision and balance', async () => {
    const c = counting(store);
    const repo = new AggregateRepository(c.store, new SnapshotStore(db));
    const n = await opened(repo);
    const before = c.appends();
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => repo.execute(accountAggregate, accountStream(n), credit(`t${i}`, BigInt(i + 1)), ctx(), () => randomUUID())));
    expect(c.appends() - before).to.be.lessThan(30);
    const revisions = results.map((r) => r.revision).sort((a, b) => (a < b ? -1 : 1));
    expect(revisions).to.deep.equal(Array.from({ length: 30 }, (_, i) => BigInt(i + 1)));
    for (const [i, r] of results.entries()) {
      expect(r.events.map((e) => e.data.transfer_id)).to.deep.equal([`t${i}`]);
      expect(r.result?.position).to.equal(r.events[0]!.position);
      expect(String(r.events[0]!.data.balance_after)).to.equal(String((r.state as { balance: bigint }).balance));
    }
    const stored = await store.readStream(accountStream(n));
    expect(stored.at(-1)!.data.balance_after).to.equal(String((30 * 31) / 2));
  });

  it('refuses only the command its place in the order cannot afford; the others land', async () => {
    const repo = new AggregateRepository(store, new SnapshotStore(db));
    const n = await opened(repo);
    await repo.execute(accountAggregate, accountStream(n), credit('fund', 100n), ctx(), () => randomUUID());
    const amounts = [40n, 40n, 40n, 10n];
    const outcomes = await Promise.allSettled(amounts.map((a, i) => repo.execute(accountAggregate, accountStream(n), debit(`d${i}`, a), ctx(), () => randomUUID())));
    expect(outcomes.map((o) => o.status)).to.deep.equal(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const reason = (outcomes[2] as PromiseRejectedResult).reason;
    expect(reason).to.be.instanceOf(DomainError);
    expect((reason as DomainError).code).to.equal('insufficient_funds');
    const stored = await store.readStream(accountStream(n));
    expect(stored.filter((e) => e.type === 'AccountDebited').map((e) => e.data.transfer_id)).to.deep.equal(['d0', 'd1', 'd3']);
    expect(stored.at(-1)!.data.balance_after).to.equal('10');
  });

  it('writes a command sent twice at once (same event ids) once, and a retry of a stored one reports the stored event', async () => {
    const repo = new AggregateRepository(store, new SnapshotStore(db));
    const n = await opened(repo);
    const id = randomUUID();
    const same = () => repo.execute(accountAggregate, accountStream(n), credit('twice', 5n), ctx(), () => id);
    const others = Array.from({ length: 5 }, (_, i) => repo.execute(accountAggregate, accountStream(n), credit(`o${i}`, 1n), ctx(), () => randomUUID()));
    const [a, b] = await Promise.all([same(), same(), ...others]);
    expect(a!.events[0]!.event_id).to.equal(id);
    expect(b!.events[0]!.event_id).to.equal(id);
    expect([a!.result?.duplicate, b!.result?.duplicate].sort()).to.deep.equal([false, true]);
    // A retry of the stored command among new ones: the group falls back to one by one.
    const [retry] = await Promise.all([same(), ...Array.from({ length: 3 }, (_, i) => repo.execute(accountAggregate, accountStream(n), credit(`p${i}`, 1n), ctx(), () => randomUUID()))]);
    expect(retry!.result?.duplicate).to.equal(true);
    const stored = await store.readStream(accountStream(n));
    expect(stored.filter((e) => e.event_id === id)).to.have.length(1);
    expect(stored.at(-1)!.data.balance_after).to.equal(String(5 + 5 + 3));
  });
});
