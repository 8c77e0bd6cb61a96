import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { accountAggregate, accountStream } from '../../src/commands/accounts/account-aggregate.js';
import { bankCashAccount, bankFeesAccount, bankFxAccount } from '../../src/commands/accounts/account-numbers.js';
import { convert } from '../../src/domain/money/fx.js';
import { accountStreamsOf } from '../../src/commands/accounts/bank-sub-streams.js';
import { CURRENCIES } from '../../src/domain/money/currency.js';
import { deposit } from '../../src/commands/accounts/deposit.js';
import { openAccount } from '../../src/commands/accounts/open-account.js';
import { AggregateRepository } from '../../src/commands/shared/aggregate-repository.js';
import { systemContext } from '../../src/commands/shared/command-context.js';
import { SnapshotStore } from '../../src/commands/shared/snapshots.js';
import { makeTransfer } from '../../src/commands/transfers/make-transfer.js';
import { moveMoney } from '../../src/commands/transfers/move-money.js';
import { DomainError } from '../../src/domain/shared/domain-error.js';
import { newAccountNumber } from '../../src/commands/accounts/account-numbers.js';
import { settleDebit, transferEventId, type DebitData } from '../../src/commands/transfers/settle.js';
import { SettlementProcess } from '../../src/processes/settlement-process.js';
import type { SqlEventStore } from '../../src/eventstore/sql/sql-event-store.js';
import type { Db } from '../../src/infra/db.js';
import { commandSide } from '../helpers/command-side.js';

const logger = pino({ level: 'silent' });

describe('transfer settlement (crash between debit and credit)', function () {
  this.timeout(60_000);
  const side = commandSide('settle');
  let store: SqlEventStore;
  let db: Db;
  let repo: AggregateRepository;
  const ctx = () => systemContext('test');
  before(() => ({ store, db, repo } = side));

  /** An account's streams: the bank's own are split into sub-streams. */
  const streamsOf = accountStreamsOf;
  const balance = async (n: string) => {
    const fresh = new AggregateRepository(store, new SnapshotStore(db));
    let sum = 0n;
    for (const stream of streamsOf(n)) sum += (await fresh.load(accountAggregate, stream)).state.balance;
    return sum;
  };
  const funded = async (amount: bigint) => {
    const acc = (await openAccount(repo, ctx(), { owner_id: 'u1', type: 'Basic', currency: 'JOD' })).state.account_number;
    await deposit(repo, store, ctx(), { deposit_id: randomUUID(), account_number: acc, amount });
    return acc;
  };
  /** Writes only the debit of a transfer: what a request leaves when it dies right after. */
  const debitOnly = async (from: string, to: string, amount: bigint, fee: bigint, transfer_id = randomUUID()) => {
    await repo.execute(
      accountAggregate,
      accountStream(from),
      { type: 'DebitAccount', transfer_id, kind: 'external', amount, fee, counterparty_account: to, credit_amount: amount, fx: null, fee_account: fee > 0n ? bankFeesAccount('JOD') : null },
      ctx(),
      () => transferEventId(transfer_id, 'debit'),
    );
    return transfer_id;
  };
  const creditsOf = async (account: string, transferId: string) =>
    (await Promise.all(streamsOf(account).map((s) => store.readStream(s)))).flat().filter((e) => e.type === 'AccountCredited' && e.data.transfer_id === transferId).length;

  it('finishes a half-done transfer: credit and fee, each exactly once', async () => {
    const a = await funded(100_000n);
    const b = await funded(1n);
    const feesBefore = await balance(bankFeesAccount('JOD'));
    const t = await debitOnly(a, b, 40_000n, 400n);
    const pm = new SettlementProcess(store, db, repo, logger, { graceMs: 50, batchSize: 100, idleMs: 10 });
    pm.start();
    try {
      const deadline = Date.now() + 10_000;
      while ((await creditsOf(b, t)) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    } finally {
      await pm.stop();
    }
    expect(await creditsOf(b, t)).to.equal(1);
    expect(await creditsOf(bankFeesAccount('JOD'), t)).to.equal(1);
    expect(await balance(a)).to.equal(100_000n - 40_400n);
    expect(await balance(b)).to.equal(1n + 40_000n);
    expect(await balance(bankFeesAccount('JOD'))).to.equal(feesBefore + 400n);
    expect(pm.settledHere).to.be.at.least(1);
  });

  it('reverses a debit whose receiver does not exist', async () => {
    const a = await funded(5_000n);
    const t = await debitOnly(a, '123456789012', 2_000n, 0n);
    const pm = new SettlementProcess(store, db, repo, logger, { graceMs: 50, batchSize: 100, idleMs: 10 });
    pm.start();
    try {
      const deadline = Date.now() + 10_000;
      while ((await balance(a)) !== 5_000n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    } finally {
      await pm.stop();
    }
    expect(await balance(a)).to.equal(5_000n);
    const reversals = (await store.readStream(accountStream(a))).filter((e) => e.type === 'DebitReversed' && e.data.transfer_id === t);
    expect(reversals).to.have.length(1);
  });

  it('credits once when the request and the process manager settle at the same time', async () => {
    const a = await funded(10_000n);
    const b = await funded(1n);
    const t = await debitOnly(a, b, 3_000n, 30n);
    const debit = (await store.readStream(accountStream(a))).find((e) => e.event_id === transferEventId(t, 'debit'))!;
    await Promise.all(Array.from({ length: 6 }, () => settleDebit(new AggregateRepository(store, new SnapshotStore(db)), ctx(), a, debit.data as unknown as DebitData)));
    expect(await creditsOf(b, t)).to.equal(1);
    expect(await creditsOf(bankFeesAccount('JOD'), t)).to.equal(1);
    expect(await balance(b)).to.equal(3_001n);
  });

  it('never moves its checkpoint past an unsettled debit, so a restart still settles it', async () => {
    const a = await funded(10_000n);
    const b = await funded(1n);
    const t = await debitOnly(a, b, 1_000n, 0n);
    const debitPosition = (await store.readStream(accountStream(a))).find((e) => e.event_id === transferEventId(t, 'debit'))!.position;
    const patient = new SettlementProcess(store, db, repo, logger, { graceMs: 60_000, batchSize: 100, idleMs: 10 });
    patient.start();
    await new Promise((r) => setTimeout(r, 300));
    await patient.stop();
    const rows = await db.query<{ position: string }>(`select position::text as position from cmd.process_checkpoints where name = 'settlement'`);
    expect(BigInt(rows[0]?.position ?? '0') < debitPosition).to.equal(true);
    expect(await creditsOf(b, t)).to.equal(0);
    const restarted = new SettlementProcess(store, db, repo, logger, { graceMs: 10, batchSize: 100, idleMs: 10 });
    restarted.start();
    try {
      const deadline = Date.now() + 10_000;
      while ((await creditsOf(b, t)) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    } finally {
      await restarted.stop();
    }
    expect(await creditsOf(b, t)).to.equal(1);
  });

  it('a retried transfer finds its own debit even when the balance check now refuses it', async () => {
    const a = await funded(1_000n);
    const b = await funded(1n);
    const movement = { transfer_id: randomUUID(), kind: 'internal' as const, from: a, to: b, amount: 1_000n, fee: 0n, fee_account: null, credit_amount: 1_000n, fx: null };
    const first = await moveMoney(repo, store, ctx(), movement);
    const retry = await moveMoney(new AggregateRepository(store, new SnapshotStore(db)), store, ctx(), movement);
    expect(retry.replayed).to.equal(true);
    expect(retry.debit.event_id).to.equal(first.debit.event_id);
    expect(await balance(a)).to.equal(0n);
    expect(await balance(b)).to.equal(1_001n);
  });

  it('a freeze made by another process after the checks: credit refused, debit reversed with its fee, the caller refused, once', async () => {
    const api = new AggregateRepository(store, new SnapshotStore(db)); // this process, which remembers the receiver
    const other = new AggregateRepository(store, new SnapshotStore(db)); // another process, where staff freeze it
    const a = (await openAccount(api, ctx(), { owner_id: 'alice', type: 'Basic', currency: 'JOD' })).state.account_number;
    await deposit(api, store, ctx(), { deposit_id: randomUUID(), account_number: a, amount: 100_000n });
    const b = (await openAccount(other, ctx(), { owner_id: 'bob', type: 'Basic', currency: 'JOD' })).state.account_number;
    const send = (transfer_id: string) =>
      makeTransfer(api, store, ctx(), { transfer_id, owner_id: 'alice', kind: 'external', sender_account: a, receiver_account: b, amount: '10.000' }, async () => {
        throw new Error('no code expected');
      });
    await send(randomUUID()); // b is now remembered here as active
    const [aBefore, bBefore, feesBefore] = [await balance(a), await balance(b), await balance(bankFeesAccount('JOD'))];
    await other.execute(accountAggregate, accountStream(b), { type: 'FreezeAccount', reason: 'fraud' }, ctx(), () => randomUUID());

    const t = randomUUID();
    const refusal = await send(t).then(() => undefined, (e: unknown) => e);
    expect(refusal).to.be.instanceOf(DomainError);
    expect((refusal as DomainError).code).to.equal('receiver_unavailable');
    expect((refusal as DomainError).details).to.include({ transfer_id: t, transfer_status: 'reversed' });
    expect([await balance(a), await balance(b), await balance(bankFeesAccount('JOD'))]).to.deep.equal([aBefore, bBefore, feesBefore]);
    const ofTransfer = async (n: string) =>
      (await store.readStream(accountStream(n))).filter((e) => e.data.transfer_id === t).map((e) => [e.type, e.data.reason ?? null]);
    expect(await ofTransfer(a)).to.deep.equal([['AccountDebited', null], ['DebitReversed', 'receiver_frozen']]);
    expect(await ofTransfer(b)).to.deep.equal([['CreditRefused', 'account_frozen']]);

    // Settling it again later (the process manager), even once b is unfrozen, keeps the first outcome.
    await other.execute(accountAggregate, accountStream(b), { type: 'UnfreezeAccount', reason: 'cleared' }, ctx(), () => randomUUID());
    const debitEvent = (await store.readStream(accountStream(a))).find((e) => e.type === 'AccountDebited' && e.data.transfer_id === t)!;
    const again = await settleDebit(other, ctx(), a, debitEvent.data as unknown as DebitData);
    expect(again.reversal?.result?.duplicate).to.equal(true);
    expect(again.credit).to.equal(undefined);
    expect([await balance(a), await balance(b)]).to.deep.equal([aBefore, bBefore]);
    expect(await ofTransfer(b)).to.deep.equal([['CreditRefused', 'account_frozen']]);
  });

  it('remembers only accounts that exist: one opened elsewhere is seen at once', async () => {
    const api = new AggregateRepository(store, new SnapshotStore(db));
    const other = new AggregateRepository(store, new SnapshotStore(db));
    const n = newAccountNumber();
    expect((await api.load(accountAggregate, accountStream(n), { cached: true })).state.exists).to.equal(false);
    await other.execute(accountAggregate, accountStream(n), { type: 'OpenAccount', account_number: n, owner_id: 'u3', account_type: 'Basic', currency: 'USD' }, ctx(), () => randomUUID());
    expect((await api.load(accountAggregate, accountStream(n), { cached: true })).state.exists).to.equal(true);
  });

  it('lands every one of many concurrent deposits that all debit the same bank cash account', async () => {
    const accounts = await Promise.all(
      Array.from({ length: 40 }, async () => (await openAccount(repo, ctx(), { owner_id: 'u2', type: 'Basic', currency: 'EUR' })).state.account_number),
    );
    const cashBefore = await balance(bankCashAccount('EUR'));
    const results = await Promise.allSettled(
      accounts.map((a, i) => deposit(repo, store, ctx(), { deposit_id: randomUUID(), account_number: a, amount: BigInt(100 + i) })),
    );
    const failures = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    expect(failures).to.deep.equal([]);
    const total = accounts.reduce((sum, _a, i) => sum + BigInt(100 + i), 0n);
    expect(await balance(bankCashAccount('EUR'))).to.equal(cashBefore - total);
    for (const [i, a] of accounts.entries()) expect(await balance(a)).to.equal(BigInt(100 + i));
  });

  it('keeps every currency summing to zero across a conversion finished after a crash', async () => {
    const usd = (await openAccount(repo, ctx(), { owner_id: 'u2', type: 'USD', currency: 'USD' })).state.account_number;
    await deposit(repo, store, ctx(), { deposit_id: randomUUID(), account_number: usd, amount: 50_000n });
    const jod = await funded(1n);
    const conversion = convert(10_000n, 'USD', 'JOD');
    const t = randomUUID();
    await repo.execute(
      accountAggregate,
      accountStream(usd),
      {
        type: 'DebitAccount', transfer_id: t, kind: 'external', amount: 10_000n, fee: 100n, counterparty_account: jod,
        credit_amount: conversion.converted_amount, fee_account: bankFeesAccount('USD'),
        fx: { from: 'USD', to: 'JOD', rate: conversion.rate, rate_numerator: String(conversion.rate_numerator), rate_denominator: String(conversion.rate_denominator), rounding: conversion.rounding, source_amount: '10000' },
      },
      ctx(),
      () => transferEventId(t, 'debit'),
    );
    const pm = new SettlementProcess(store, db, repo, logger, { graceMs: 20, batchSize: 100, idleMs: 10 });
    pm.start();
    try {
      const deadline = Date.now() + 10_000;
      while ((await balance(bankFxAccount('JOD'))) === 0n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    } finally {
      await pm.stop();
    }
    expect(await balance(jod)).to.equal(1n + conversion.converted_amount);
    expect(await balance(bankFxAccount('USD'))).to.equal(10_000n);
    expect(await balance(bankFxAccount('JOD'))).to.equal(-conversion.converted_amount);
    // Every account of each currency, bank ones included, sums to zero.
    // Straight from the table: readAll only shows what every running transaction on the server has passed.
    const rows = await db.query<{ stream_id: string; type: string; data: Record<string, unknown> }>(
      `select stream_id, type, data from es.events order by position`,
    );
    const currencyOf = new Map<string, string>();
    const last = new Map<string, bigint>();
    for (const e of rows) {
      if (!e.stream_id.startsWith('account-')) continue;
      if (e.type === 'AccountOpened') currencyOf.set(e.stream_id, String(e.data.currency));
      if (e.data.balance_after !== undefined) last.set(e.stream_id, BigInt(String(e.data.balance_after)));
    }
    for (const currency of CURRENCIES) {
      let sum = 0n;
      for (const [stream, b] of last) if (currencyOf.get(stream) === currency) sum += b;
      expect(sum, currency).to.equal(0n);
    }
    expect(await balance(bankCashAccount('USD'))).to.equal(-50_000n);
  });
});
