import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { accountAggregate, accountStream } from '../../src/commands/accounts/account-aggregate.js';
import { deposit } from '../../src/commands/accounts/deposit.js';
import { openAccount } from '../../src/commands/accounts/open-account.js';
import { AggregateRepository } from '../../src/commands/shared/aggregate-repository.js';
import { CacheFreshness, FRESHNESS_WINDOW } from '../../src/commands/shared/cache-freshness.js';
import { systemContext } from '../../src/commands/shared/command-context.js';
import { SnapshotStore } from '../../src/commands/shared/snapshots.js';
import { setAtomicTransfers } from '../../src/commands/transfers/atomic-transfers.js';
import { moveMoney, type MoneyMovement } from '../../src/commands/transfers/move-money.js';
import { parseBool } from '../../src/config/config.js';
import { WrongExpectedRevisionError } from '../../src/eventstore/errors.js';
import type { EventStore } from '../../src/eventstore/port.js';
import { Keyring } from '../../src/privacy/keyring.js';
import { PersonalData } from '../../src/privacy/personal-data.js';
import { PrivateEventStore } from '../../src/privacy/private-event-store.js';
import { commandSide } from '../helpers/command-side.js';

describe('cache freshness: when to check remembered states before deciding', () => {
  it('checks nothing until an append loses a race, then checks', () => {
    const f = new CacheFreshness();
    expect(f.verifies).to.equal(false);
    f.observed(true);
    expect(f.verifies).to.equal(false);
    f.conflict();
    expect(f.verifies).to.equal(true);
  });

  it('stops checking after a window in which fewer than 1 in 20 checked states were stale', () => {
    const f = new CacheFreshness();
    f.conflict();
    for (let i = 0; i < FRESHNESS_WINDOW - 1; i++) f.observed(i < 12);
    expect(f.verifies).to.equal(true);
    f.observed(false);
    expect(f.verifies).to.equal(false);
  });

  it('goes on checking while 1 in 20 or more were stale', () => {
    const f = new CacheFreshness();
    f.conflict();
    for (let i = 0; i < FRESHNESS_WINDOW * 3; i++) f.observed(i % 20 === 0);
    expect(f.verifies).to.equal(true);
  });
});

/** The store as the service opens it (personal fields opened on reads), with its appends and reads counted. */
function counted(store: EventStore) {
  const calls = { appendMany: 0, lost: 0, readStreams: 0, readStream: 0 };
  const proxy = new Proxy(store, {
    get(target, prop) {
      if (prop === 'appendMany') {
        return async (...args: Parameters<NonNullable<EventStore['appendMany']>>) => {
          calls.appendMany++;
          try {
            return await target.appendMany!(...args);
          } catch (error) {
            if (error instanceof WrongExpectedRevisionError) calls.lost++;
            throw error;
          }
        };
      }
      if (prop === 'readStreams') return (...args: Parameters<NonNullable<EventStore['readStreams']>>) => (calls.readStreams++, target.readStreams!(...args));
      if (prop === 'readStream') return (...args: Parameters<EventStore['readStream']>) => (calls.readStream++, target.readStream(...args));
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: proxy, calls };
}

describe('cache freshness: two processes writing the same accounts (behind a round-robin balancer)', function () {
  this.timeout(60_000);
  const side = commandSide('freshness');
  const ctx = () => systemContext('test');
  before(() => setAtomicTransfers(true));
  after(() => setAtomicTransfers(parseBool(process.env.TRANSFER_ATOMIC_COMMIT) ?? true));

  const opened = () => new PrivateEventStore(side.store, new PersonalData(new Keyring(side.db, Buffer.alloc(32, 7)))).opened();
  const funded = async (amount: bigint) => {
    const acc = (await openAccount(side.repo, ctx(), { owner_id: 'u1', type: 'Basic', currency: 'JOD' })).state.account_number;
    if (amount > 0n) await deposit(side.repo, side.store, ctx(), { deposit_id: randomUUID(), account_number: acc, amount });
    return acc;
  };
  const movement = (from: string, to: string, amount: bigint): MoneyMovement => ({
    transfer_id: randomUUID(), kind: 'internal', from, to, amount, fee: 0n, fee_account: null, credit_amount: amount, fx: null,
  });
  const balance = async (n: string) => (await side.fresh().load(accountAggregate, accountStream(n))).state.balance;

  it('a process alone on its streams never reads them before deciding', async () => {
    const [a, b] = [await funded(10_000n), await funded(0n)];
    const one = counted(opened());
    const repo = new AggregateRepository(one.store, new SnapshotStore(side.db));
    for (let i = 0; i < 10; i++) await moveMoney(repo, one.store, ctx(), movement(a, b, 100n));
    expect(one.calls.appendMany).to.equal(10);
    expect(one.calls.lost).to.equal(0);
    expect(one.calls.readStreams).to.equal(0);
    expect(await balance(b)).to.equal(1_000n);
  });

  it('after one lost race, a process reads the streams the other moved before deciding, and loses no more', async () => {
    const [a, b] = [await funded(10_000n), await funded(0n)];
    const [p, q] = [counted(opened()), counted(opened())];
    const repos = [new AggregateRepository(p.store, new SnapshotStore(side.db)), new AggregateRepository(q.store, new SnapshotStore(side.db))];
    const stores = [p.store, q.store];
    // Each transfer goes to the other process: every remembered state is stale by then.
    for (let i = 0; i < 20; i++) {
      const moved = await moveMoney(repos[i % 2]!, stores[i % 2]!, ctx(), movement(a, b, 100n));
      expect(moved.sender.balance).to.equal(10_000n - 100n * BigInt(i + 1));
    }
    // Each process lost one race (its first transfer on stale states), then checked: one read of both tails per transfer.
    expect(p.calls.lost + q.calls.lost).to.be.at.most(2);
    expect(p.calls.appendMany + q.calls.appendMany).to.be.at.most(22);
    expect(p.calls.readStreams + q.calls.readStreams).to.be.at.least(16);
    expect(await balance(a)).to.equal(8_000n);
    expect(await balance(b)).to.equal(2_000n);
  });
});
