import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { accountAggregate, accountStream } from '../../src/commands/accounts/account-aggregate.js';
import { bankFeesAccount, bankFxAccount } from '../../src/commands/accounts/account-numbers.js';
import { accountStreamsOf } from '../../src/commands/accounts/bank-sub-streams.js';
import { deposit } from '../../src/commands/accounts/deposit.js';
import { openAccount } from '../../src/commands/accounts/open-account.js';
import { AggregateRepository } from '../../src/commands/shared/aggregate-repository.js';
import { systemContext } from '../../src/commands/shared/command-context.js';
import { SnapshotStore } from '../../src/commands/shared/snapshots.js';
import { setAtomicTransfers } from '../../src/commands/transfers/atomic-transfers.js';
import { parseBool } from '../../src/config/config.js';
import { moveMoney, type MoneyMovement } from '../../src/commands/transfers/move-money.js';
import { transferEventId } from '../../src/commands/transfers/settle.js';
import { convert } from '../../src/domain/money/fx.js';
import type { Currency } from '../../src/domain/money/currency.js';
import { DuplicateEventIdError } from '../../src/eventstore/errors.js';
import type { EventStore } from '../../src/eventstore/port.js';
import { commandSide } from '../helpers/command-side.js';

/** The suite's store with its appends counted; `atomic: false` hides its multi-stream append (as EventStoreDB's adapter has none). */
function counted(store: EventStore, atomic: boolean) {
  const calls = { append: 0, appendMany: 0 };
  const proxy = new Proxy(store, {
    get(target, prop) {
      if (prop === 'append') return (...args: Parameters<EventStore['append']>) => (calls.append++, target.append(...args));
      if (prop === 'appendMany') return atomic ? (...args: Parameters<NonNullable<EventStore['appendMany']>>) => (calls.appendMany++, target.appendMany!(...args)) : undefined;
      if (prop === 'atomicMultiStream') return atomic && target.atomicMultiStream;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: proxy, calls, commits: () => calls.append + calls.appendMany };
}

describe('a transfer in one durable commit (multi-stream append)', function () {
  this.timeout(60_000);
  const side = commandSide('commit');
  const ctx = () => systemContext('test');
  // The one-commit path is the default (TRANSFER_ATOMIC_COMMIT=false turns it off): on for these tests whatever the env says.
  before(() => setAtomicTransfers(true));
  after(() => setAtomicTransfers(parseBool(process.env.TRANSFER_ATOMIC_COMMIT) ?? true));

  // The bank's fee and FX accounts are split into sub-streams: a balance is their sum.
  const balance = async (n: string) => {
    let sum = 0n;
    for (const stream of accountStreamsOf(n)) sum += (await side.fresh().load(accountAggregate, stream)).state.balance;
    return sum;
  };
  const funded = async (amount: bigint, currency: Currency = 'JOD') => {
    const acc = (await openAccount(side.repo, ctx(), { owner_id: 'u1', type: currency === 'JOD' ? 'Basic' : currency, currency })).state.account_number;
    if (amount > 0n) await deposit(side.repo, side.store, ctx(), { deposit_id: randomUUID(), account_number: acc, amount });
    return acc;
  };
  const movement = (from: string, to: string, amount: bigint, more: Partial<MoneyMovement> = {}): MoneyMovement => ({
    transfer_id: randomUUID(), kind: 'internal', from, to, amount, fee: 0n, fee_account: null, credit_amount: amount, fx: null, ...more,
  });
  const eventsOf = async (transferId: string) =>
    (await side.db.query<{ stream_id: string; type: string }>(`select stream_id, type from es.events where data->>'transfer_id' = $1 order by position`, [transferId]));

  it('an internal transfer is one append: debit and credit in the same commit', async () => {
    const [a, b] = [await funded(10_000n), await funded(0n)];
    const c = counted(side.store, true);
    const repo = new AggregateRepository(c.store, new SnapshotStore(side.db));
    const m = movement(a, b, 2_500n);
    const moved = await moveMoney(repo, c.store, ctx(), m);
    expect(c.commits()).to.equal(1);
    expect(c.calls.appendMany).to.equal(1);
    expect(moved.settlement.credit?.state.balance).to.equal(2_500n);
    expect(moved.sender.balance).to.equal(7_500n);
    // One transaction: both events carry the same tx_id.
    const tx = await side.db.query<{ n: string }>(`select count(distinct tx_id)::text as n from es.events where data->>'transfer_id' = $1`, [m.transfer_id]);
    expect(tx[0]!.n).to.equal('1');
    expect((await eventsOf(m.transfer_id)).map((e) => e.type)).to.deep.equal(['AccountDebited', 'AccountCredited']);
  });

  it('with a fee and a conversion, debit, credit, fee and both FX legs are still one commit', async () => {
    const usd = await funded(50_000n, 'USD');
    const jod = await funded(0n);
    const conversion = convert(10_000n, 'USD', 'JOD');
    const c = counted(side.store, true);
    const repo = new AggregateRepository(c.store, new SnapshotStore(side.db));
    const [feesBefore, fxUsdBefore, fxJodBefore] = [await balance(bankFeesAccount('USD')), await balance(bankFxAccount('USD')), await balance(bankFxAccount('JOD'))];
    const m = movement(usd, jod, 10_000n, {
      kind: 'external', fee: 100n, fee_account: bankFeesAccount('USD'), credit_amount: conversion.converted_amount,
      fx: { from: 'USD', to: 'JOD', rate: conversion.rate, rate_numerator: String(conversion.rate_numerator), rate_denominator: String(conversion.rate_denominator), rounding: conversion.rounding, source_amount: '10000' },
    });
    await moveMoney(repo, c.store, ctx(), m);
    expect(c.commits()).to.equal(1);
    expect((await eventsOf(m.transfer_id)).map((e) => e.type)).to.deep.equal(['AccountDebited', 'AccountCredited', 'AccountCredited', 'FxPositionPosted', 'FxPositionPosted']);
    expect(await balance(usd)).to.equal(50_000n - 10_100n);
    expect(await balance(jod)).to.equal(conversion.converted_amount);
    expect(await balance(bankFeesAccount('USD'))).to.equal(feesBefore + 100n);
    expect(await balance(bankFxAccount('USD'))).to.equal(fxUsdBefore + 10_000n);
    expect(await balance(bankFxAccount('JOD'))).to.equal(fxJodBefore - conversion.converted_amount);
  });

  it('a failure in the middle leaves no partial transfer: the fee leg refused, nothing of the transfer is stored', async () => {
    const [a, b] = [await funded(10_000n), await funded(0n)];
    const m = movement(a, b, 1_000n, { kind: 'external', fee: 10n, fee_account: bankFeesAccount('JOD') });
    // The fee leg's event id is already taken by another stream: its part of the append is refused.
    await side.store.append(`blocker-${randomUUID()}`, [{ event_id: transferEventId(m.transfer_id, 'fee'), type: 'Noted', data: {}, metadata: ctx() as never }], 'no_stream');
    const error = await moveMoney(side.fresh(), side.store, ctx(), m).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(DuplicateEventIdError);
    expect(await eventsOf(m.transfer_id)).to.deep.equal([]);
    expect(await balance(a)).to.equal(10_000n);
    expect(await balance(b)).to.equal(0n);
  });

  it('a retry of a stored transfer reports it as replayed and writes nothing', async () => {
    const [a, b] = [await funded(10_000n), await funded(0n)];
    const m = movement(a, b, 1_000n);
    const first = await moveMoney(side.repo, side.store, ctx(), m);
    const retry = await moveMoney(side.fresh(), side.store, ctx(), m);
    expect(first.replayed).to.equal(false);
    expect(retry.replayed).to.equal(true);
    expect(retry.position).to.equal(first.position);
    expect((await eventsOf(m.transfer_id)).length).to.equal(2);
    expect(await balance(a)).to.equal(9_000n);
  });

  it('concurrent transfers both ways between two accounts: every one whole, money conserved', async () => {
    const [a, b] = [await funded(5_000n), await funded(5_000n)];
    const moves = Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? movement(a, b, 7n) : movement(b, a, 3n)));
    // Two repositories, as two processes: their remembered states race.
    const repos = [side.repo, side.fresh()];
    const results = await Promise.allSettled(moves.map((m, i) => moveMoney(repos[i % 2]!, side.store, ctx(), m)));
    expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).to.deep.equal([]);
    expect((await balance(a)) + (await balance(b))).to.equal(10_000n);
    expect(await balance(a)).to.equal(5_000n - 12n * 7n + 12n * 3n);
    for (const m of moves) expect((await eventsOf(m.transfer_id)).map((e) => e.type)).to.deep.equal(['AccountDebited', 'AccountCredited']);
  });

  it('a store without atomic multi-stream append moves the money stream by stream, as before', async () => {
    const [a, b] = [await funded(10_000n), await funded(0n)];
    const c = counted(side.store, false);
    const repo = new AggregateRepository(c.store, new SnapshotStore(side.db));
    const m = movement(a, b, 500n);
    await moveMoney(repo, c.store, ctx(), m);
    expect(c.calls).to.deep.equal({ append: 2, appendMany: 0 });
    expect(await balance(b)).to.equal(500n);
  });

  it('transfers that arrive together share one commit: fees of many transfers under one append of the fee stream', async () => {
    const pairs = await Promise.all(Array.from({ length: 24 }, async () => [await funded(10_000n), await funded(0n)] as const));
    const c = counted(side.store, true);
    const repo = new AggregateRepository(c.store, new SnapshotStore(side.db));
    const feesBefore = await balance(bankFeesAccount('JOD'));
    const moves = pairs.map(([a, b]) => movement(a, b, 1_000n, { kind: 'external', fee: 25n, fee_account: bankFeesAccount('JOD') }));
    const moved = await Promise.all(moves.map((m) => moveMoney(repo, c.store, ctx(), m)));
    // 24 transfers, fewer commits: those that waited for a group were written by one multi-stream append.
    expect(c.calls.append).to.equal(0);
    expect(c.calls.appendMany).to.be.greaterThan(0).and.lessThan(moves.length / 2);
    const tx = await side.db.query<{ n: string }>(`select count(distinct tx_id)::text as n from es.events where data->>'transfer_id' = any($1)`, [moves.map((m) => m.transfer_id)]);
    expect(Number(tx[0]!.n)).to.equal(c.calls.appendMany);
    for (const [i, m] of moves.entries()) {
      expect((await eventsOf(m.transfer_id)).map((e) => e.type)).to.deep.equal(['AccountDebited', 'AccountCredited', 'AccountCredited']);
      expect(moved[i]!.sender.balance).to.equal(10_000n - 1_025n);
      expect(moved[i]!.receiver?.balance).to.equal(1_000n);
      expect(moved[i]!.replayed).to.equal(false);
    }
    expect(await balance(bankFeesAccount('JOD'))).to.equal(feesBefore + 24n * 25n);
    // What each caller got back is its own slice: positions distinct, each its transfer's last event.
    expect(new Set(moved.map((m) => m.position)).size).to.equal(moves.length);
  });

  it('in a group, a transfer the balance no longer covers is refused alone and the others commit', async () => {
    const [a, b, x, y] = [await funded(1_000n), await funded(0n), await funded(5_000n), await funded(0n)];
    const repo = side.fresh();
    await repo.load(accountAggregate, accountStream(a));
    // Two of 800 from an account holding 1,000, among others: one of the two is refused, on the state the other left.
    const moves = [movement(x, y, 100n), movement(a, b, 800n), movement(x, y, 200n), movement(a, b, 800n), movement(x, y, 300n)];
    const results = await Promise.allSettled(moves.map((m) => moveMoney(repo, side.store, ctx(), m)));
    expect(results.map((r) => r.status)).to.have.members(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect([results[1]!.status, results[3]!.status]).to.have.members(['fulfilled', 'rejected']);
    expect(String((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason)).to.match(/insufficient|balance|funds/i);
    expect(await balance(a)).to.equal(200n);
    expect(await balance(b)).to.equal(800n);
    expect(await balance(y)).to.equal(600n);
    expect((await balance(a)) + (await balance(b)) + (await balance(x)) + (await balance(y))).to.equal(6_000n);
  });

  it('a retry of a stored transfer that arrives with new ones is reported replayed, and the new ones commit', async () => {
    const [a, b] = [await funded(10_000n), await funded(0n)];
    const stored = movement(a, b, 1_000n, { kind: 'external', fee: 10n, fee_account: bankFeesAccount('JOD') });
    const first = await moveMoney(side.repo, side.store, ctx(), stored);
    const repo = side.fresh();
    const fresh = [movement(a, b, 100n, { kind: 'external', fee: 10n, fee_account: bankFeesAccount('JOD') }), movement(b, a, 50n)];
    const [retry, ...others] = await Promise.all([stored, ...fresh].map((m) => moveMoney(repo, side.store, ctx(), m)));
    expect(retry!.replayed).to.equal(true);
    expect(retry!.position).to.equal(first.position);
    expect(others.map((o) => o.replayed)).to.deep.equal([false, false]);
    expect((await eventsOf(stored.transfer_id)).length).to.equal(3);
    expect(await balance(a)).to.equal(10_000n - 1_010n - 110n + 50n);
    expect(await balance(b)).to.equal(1_000n + 100n - 50n);
  });

  it('a receiver frozen since the checks: the atomic path declines and the debit is reversed, as before', async () => {
    const [a, b] = [await funded(10_000n), await funded(0n)];
    await side.repo.execute(accountAggregate, accountStream(b), { type: 'FreezeAccount', reason: 'test' }, ctx(), () => randomUUID());
    const m = movement(a, b, 700n);
    const moved = await moveMoney(side.repo, side.store, ctx(), m);
    expect(moved.settlement.reversal).to.not.equal(undefined);
    expect(await balance(a)).to.equal(10_000n);
    expect((await eventsOf(m.transfer_id)).map((e) => e.type)).to.deep.equal(['AccountDebited', 'CreditRefused', 'DebitReversed']);
  });
});
