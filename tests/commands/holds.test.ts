import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { accountAggregate, accountStream } from '../../src/commands/accounts/account-aggregate.js';
import { bankFeesAccount } from '../../src/commands/accounts/account-numbers.js';
import { accountStreamFor } from '../../src/commands/accounts/bank-sub-streams.js';
import { deposit } from '../../src/commands/accounts/deposit.js';
import { openAccount } from '../../src/commands/accounts/open-account.js';
import { AggregateRepository } from '../../src/commands/shared/aggregate-repository.js';
import { systemContext } from '../../src/commands/shared/command-context.js';
import { CredentialStore } from '../../src/commands/credentials/credential-store.js';
import { confirmTransfer, type CheckCode } from '../../src/commands/transfers/confirm-transfer.js';
import { HoldExpiryProcess } from '../../src/processes/hold-expiry-process.js';
import { runHoldCommand } from '../../src/commands/transfers/holds.js';
import { makeTransfer } from '../../src/commands/transfers/make-transfer.js';
import { transferEventId } from '../../src/commands/transfers/settle.js';
import { transferAggregate, transferStream } from '../../src/commands/transfers/transfer-aggregate.js';
import { TransferCodes } from '../../src/commands/transfers/transfer-codes.js';
import { available } from '../../src/domain/accounts/state.js';
import { DomainError } from '../../src/domain/shared/domain-error.js';
import type { TransferCommand } from '../../src/domain/transfers/commands.js';
import type { SqlEventStore } from '../../src/eventstore/sql/sql-event-store.js';
import type { Db } from '../../src/infra/db.js';
import { commandSide } from '../helpers/command-side.js';
import { migrateServiceSchema } from '../../src/migrations/service/index.js';

const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Holds of high-value transfers on real PostgreSQL, with the request, the
 * confirmation or the expiry process stopped between any two of their steps
 * (the first steps written directly, as a crash leaves them), then finished by
 * the confirmation or the expiry process: every hold ends exactly once, posted
 * or voided, and the transfer's own stream agrees with how it ended.
 */
describe('transfer holds: a crash between any two steps ends in exactly one of posted or voided', function () {
  this.timeout(60_000);
  const side = commandSide('holds');
  let store: SqlEventStore;
  let db: Db;
  let repo: AggregateRepository;
  const ctx = () => systemContext('test');
  const fresh = () => side.fresh();
  before(() => ({ store, db, repo } = side));
  // The codes' hashes live in the credentials store, as the route keeps them.
  let codes: TransferCodes;
  before(async () => {
    await migrateServiceSchema(db);
    codes = new TransferCodes(new CredentialStore(db));
  });
  const check: CheckCode = (request, code) => codes.matches(request, code);

  const account = async (owner: string, amount: bigint) => {
    const n = (await openAccount(repo, ctx(), { owner_id: owner, type: 'Basic', currency: 'JOD' })).state.account_number;
    if (amount > 0n) await deposit(repo, store, ctx(), { deposit_id: randomUUID(), account_number: n, amount });
    return n;
  };
  const stateOf = async (n: string) => (await fresh().load(accountAggregate, accountStream(n))).state;
  const transferOf = async (id: string) => (await fresh().load(transferAggregate, transferStream(id))).state;

  /** A request for 800.000 JOD (external: 8.000 fee) from a (1000.000) to b; returns its id and e-mailed code. */
  const requested = async (ttlMs = 60_000, r: AggregateRepository = repo) => {
    const a = await account('alice', 1_000_000n);
    const b = await account('bob', 0n);
    const id = randomUUID();
    let code = '';
    const pending = await makeTransfer(r, store, ctx(), { transfer_id: id, owner_id: 'alice', kind: 'external', sender_account: a, receiver_account: b, amount: '800.000' }, async (c, request) => {
      code = c;
      await codes.keep(request.transfer_id, c, request.expires_at);
    }, ttlMs);
    expect(pending).to.include({ status: 'pending_otp' });
    return { a, b, id, code };
  };
  const onTransfer = (id: string, command: TransferCommand, now?: Date) =>
    repo.execute(transferAggregate, transferStream(id), command, now ? { ...ctx(), now } : ctx(), () => randomUUID());
  /** TransferConfirmed written as the confirmation writes it (then the "crash"), well before the code runs out. */
  const confirmedDirectly = async (id: string) => {
    await onTransfer(id, { type: 'ConfirmTransfer', code_matches: true }, new Date(Date.now() - 60_000));
    expect((await transferOf(id)).status).to.equal('confirmed');
  };

  /** How the hold of `id` ended on the sender's stream, and every event of the transfer there. */
  const ends = async (a: string, id: string) => {
    const events = (await store.readStream(accountStream(a))).filter((e) => e.data.transfer_id === id);
    const posted = events.filter((e) => e.type === 'AccountDebited' && e.data.from_reservation === true).length;
    const voided = events.filter((e) => e.type === 'HoldReleased').map((e) => String(e.data.reason));
    return { posted, voided, types: events.map((e) => e.type) };
  };
  /** Exactly one end, and the transfer stream agrees: posted ⇔ confirmed, voided ⇔ expired, locked or failed. */
  const expectOneEnd = async (a: string, b: string, id: string) => {
    const end = await ends(a, id);
    expect(end.posted + end.voided.length, JSON.stringify(end)).to.equal(1);
    const t = await transferOf(id);
    const sender = await stateOf(a);
    expect(sender.holds[id]).to.equal(undefined);
    if (end.posted === 1) {
      expect(t.status).to.equal('confirmed');
      expect([sender.balance, available(sender)]).to.deep.equal([192_000n, 192_000n]);
      expect((await stateOf(b)).balance).to.equal(800_000n);
    } else {
      expect(['expired', 'locked', 'failed']).to.include(t.status);
      expect([sender.balance, available(sender)]).to.deep.equal([1_000_000n, 1_000_000n]);
      expect((await stateOf(b)).balance).to.equal(0n);
    }
    return end;
  };

  /** Runs an expiry process until `done` holds (or 10 s pass). */
  const runExpiry = async (done: () => Promise<boolean>) => {
    const p = new HoldExpiryProcess(store, db, fresh(), logger, { graceMs: 0, batchSize: 200, idleMs: 10, retryMs: 1_000 });
    p.start();
    try {
      const deadline = Date.now() + 10_000;
      while (!(await done()) && Date.now() < deadline) await sleep(25);
    } finally {
      await p.stop();
    }
    return p;
  };
  const holdEnded = (a: string, id: string) => async () => (await stateOf(a)).holds[id] === undefined;

  it('the request holds amount + fee: available drops, balance stays, and a second hold beyond it is refused', async () => {
    const { a, id } = await requested();
    const s = await stateOf(a);
    expect([s.balance, available(s)]).to.deep.equal([1_000_000n, 192_000n]);
    expect(s.holds[id]).to.include({ total: 808_000n, kind: 'external' });
    const t = await transferOf(id);
    expect(t.request!.expires_at).to.equal(s.holds[id]!.expires_at);
    const refused = await makeTransfer(repo, store, ctx(), { transfer_id: randomUUID(), owner_id: 'alice', kind: 'internal', sender_account: a, receiver_account: await account('alice', 0n), amount: '600.000' }, async () => {
      throw new Error('no code expected');
    }).catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(DomainError);
    expect((refused as DomainError).code).to.equal('insufficient_funds');
  });

  it('crash after the hold, before the transfer was recorded: the process voids it at expiry; a late retry is refused', async () => {
    const a = await account('alice', 1_000_000n);
    const b = await account('bob', 0n);
    const id = randomUUID();
    await runHoldCommand(repo, ctx(), a, { type: 'HoldFunds', transfer_id: id, kind: 'external', amount: 800_000n, fee: 8_000n, counterparty_account: b, expires_at: new Date(Date.now() + 200).toISOString() });
    expect(available(await stateOf(a))).to.equal(192_000n);
    await runExpiry(holdEnded(a, id));
    const end = await ends(a, id);
    expect([end.posted, end.voided]).to.deep.equal([0, ['expired']]);
    expect(available(await stateOf(a))).to.equal(1_000_000n);
    // The request retried with the same id (same Idempotency-Key) long after: the hold it placed is over.
    const retry = await makeTransfer(fresh(), store, ctx(), { transfer_id: id, owner_id: 'alice', kind: 'external', sender_account: a, receiver_account: b, amount: '800.000' }, async () => {
      throw new Error('no code expected');
    }).catch((e: unknown) => e);
    expect((retry as DomainError).code).to.equal('transfer_not_pending');
    expect((await ends(a, id)).types).to.deep.equal(['FundsHeld', 'HoldReleased']);
  });

  it('never confirmed: the process records TransferExpired and voids the hold, once, even with two processes', async () => {
    const { a, b, id } = await requested(150);
    const second = new HoldExpiryProcess(store, db, fresh(), logger, { graceMs: 0, batchSize: 200, idleMs: 10, retryMs: 1_000 });
    second.start();
    try {
      await runExpiry(holdEnded(a, id));
    } finally {
      await second.stop();
    }
    const end = await expectOneEnd(a, b, id);
    expect(end.voided).to.deep.equal(['expired']);
    expect((await transferOf(id)).status).to.equal('expired');
    const expired = (await store.readStream(transferStream(id))).filter((e) => e.type === 'TransferExpired');
    expect(expired).to.have.length(1);
  });

  it('crash after TransferConfirmed, before the posting: the process posts and settles it at expiry', async () => {
    const { a, b, id } = await requested(1_000);
    await confirmedDirectly(id);
    await runExpiry(async () => (await stateOf(b)).balance === 800_000n);
    const end = await expectOneEnd(a, b, id);
    expect(end.types, JSON.stringify(end)).to.deep.equal(['FundsHeld', 'AccountDebited']);
    // The fee went to the fee account's sub-stream the transfer id picks.
    expect((await fresh().load(accountAggregate, accountStreamFor(bankFeesAccount('JOD'), id))).state.balance >= 8_000n).to.equal(true);
  });

  it('crash after TransferConfirmed: the confirmation retried posts it, and racing the process posts once', async () => {
    const { a, b, id, code } = await requested(1_000);
    await confirmedDirectly(id);
    await sleep(1_050);
    const p = new HoldExpiryProcess(store, db, fresh(), logger, { graceMs: 0, batchSize: 200, idleMs: 5, retryMs: 1_000 });
    p.start();
    try {
      const results = await Promise.all(Array.from({ length: 4 }, () => confirmTransfer(fresh(), store, ctx(), { transfer_id: id, owner_id: 'alice', otp: code }, check)));
      for (const r of results) expect(r).to.include({ status: 'completed', sender_balance_after: 192_000n });
      await sleep(100);
    } finally {
      await p.stop();
    }
    await expectOneEnd(a, b, id);
  });

  it('crash after the posting, before the credit: the confirmation retried settles it without a second debit', async () => {
    const { a, b, id, code } = await requested();
    await confirmedDirectly(id);
    const t = (await transferOf(id)).request!;
    await runHoldCommand(repo, ctx(), a, {
      type: 'PostHold', transfer_id: id, kind: 'external', amount: 800_000n, fee: 8_000n, counterparty_account: b,
      credit_amount: 800_000n, fx: null, fee_account: t.fee_account,
    });
    expect((await stateOf(b)).balance).to.equal(0n);
    const done = await confirmTransfer(fresh(), store, ctx(), { transfer_id: id, owner_id: 'alice', otp: code }, check);
    expect(done).to.include({ status: 'completed', sender_balance_after: 192_000n });
    await expectOneEnd(a, b, id);
  });

  it('crash after TransferLocked, before the release: the process voids it at expiry; the confirmation voids it at once', async () => {
    for (const finisher of ['process', 'confirmation'] as const) {
      const { a, b, id, code } = await requested(1_000);
      for (let i = 0; i < 3; i++) await onTransfer(id, { type: 'ConfirmTransfer', code_matches: false }, new Date(Date.now() - 60_000));
      expect((await transferOf(id)).status).to.equal('locked');
      expect(available(await stateOf(a))).to.equal(192_000n);
      if (finisher === 'process') await runExpiry(holdEnded(a, id));
      else {
        const refused = await confirmTransfer(fresh(), store, ctx(), { transfer_id: id, owner_id: 'alice', otp: code }, check).catch((e: unknown) => e);
        expect((refused as DomainError).code).to.equal('transfer_locked');
      }
      const end = await expectOneEnd(a, b, id);
      expect(end.voided, finisher).to.deep.equal(['locked']);
    }
  });

  it('crash after a frozen sender voided the hold, before TransferFailed: the process records the failure', async () => {
    const { a, b, id, code } = await requested(1_000);
    await confirmedDirectly(id);
    await repo.execute(accountAggregate, accountStream(a), { type: 'FreezeAccount', reason: 'test' }, ctx(), () => randomUUID());
    const t = (await transferOf(id)).request!;
    const voided = await runHoldCommand(repo, ctx(), a, {
      type: 'PostHold', transfer_id: id, kind: 'external', amount: 800_000n, fee: 8_000n, counterparty_account: b,
      credit_amount: 800_000n, fx: null, fee_account: t.fee_account,
    });
    expect(voided.events.map((e) => [e.type, e.data.reason])).to.deep.equal([['HoldReleased', 'sender_frozen']]);
    expect((await transferOf(id)).status).to.equal('confirmed');
    await runExpiry(async () => (await transferOf(id)).status === 'failed');
    const end = await expectOneEnd(a, b, id);
    expect(end.voided).to.deep.equal(['sender_frozen']);
    expect((await transferOf(id)).failure_code).to.equal('account_frozen');
    // A confirmation retried now answers with the recorded refusal.
    const again = await confirmTransfer(fresh(), store, ctx(), { transfer_id: id, owner_id: 'alice', otp: code }, check).catch((e: unknown) => e);
    expect((again as DomainError).code).to.equal('transfer_not_pending');
  });

  it('a confirmation racing the expiry at the deadline: one end, and the transfer stream agrees', async () => {
    const outcomes = { posted: 0, voided: 0 };
    for (let i = 0; i < 6; i++) {
      const { a, b, id, code } = await requested(120 + i * 15);
      const p = new HoldExpiryProcess(store, db, fresh(), logger, { graceMs: 0, batchSize: 200, idleMs: 5, retryMs: 1_000 });
      p.start();
      try {
        await sleep(120);
        await confirmTransfer(fresh(), store, ctx(), { transfer_id: id, owner_id: 'alice', otp: code }, check).catch((e: unknown) => {
          if (!(e instanceof DomainError && e.code === 'otp_expired')) throw e;
        });
        const deadline = Date.now() + 5_000;
        while ((await stateOf(a)).holds[id] !== undefined && Date.now() < deadline) await sleep(20);
      } finally {
        await p.stop();
      }
      const end = await expectOneEnd(a, b, id);
      outcomes[end.posted ? 'posted' : 'voided']++;
    }
    expect(outcomes.posted + outcomes.voided).to.equal(6);
  });

  it('keeps its checkpoint before an open hold, so a restarted process still finishes it', async () => {
    const { a, b, id } = await requested(100);
    const placed = (await store.readStream(accountStream(a))).find((e) => e.event_id === transferEventId(id, 'hold'))!;
    const patient = new HoldExpiryProcess(store, db, fresh(), logger, { graceMs: 60_000, batchSize: 200, idleMs: 10, retryMs: 1_000 });
    patient.start();
    await sleep(300);
    await patient.stop();
    const rows = await db.query<{ position: string }>(`select position::text as position from cmd.process_checkpoints where name = 'hold-expiry'`);
    expect(BigInt(rows[0]?.position ?? '0') < placed.position).to.equal(true);
    expect((await stateOf(a)).holds[id]).to.not.equal(undefined);
    await runExpiry(holdEnded(a, id));
    expect((await expectOneEnd(a, b, id)).voided).to.deep.equal(['expired']);
  });
});
