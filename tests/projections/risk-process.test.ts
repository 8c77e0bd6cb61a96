import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { pino } from 'pino';
import { openAccount } from '../../src/commands/accounts/open-account.js';
import { deposit } from '../../src/commands/accounts/deposit.js';
import { ensureSystemAccounts } from '../../src/commands/accounts/system-accounts.js';
import { accountAggregate, accountStream } from '../../src/commands/accounts/account-aggregate.js';
import { incidentIdFor } from '../../src/commands/risk/incident-aggregate.js';
import { RiskProcess } from '../../src/processes/risk/risk-process.js';
import { AggregateRepository } from '../../src/commands/shared/aggregate-repository.js';
import { systemContext } from '../../src/commands/shared/command-context.js';
import { SnapshotStore } from '../../src/commands/shared/snapshots.js';
import { moveMoney } from '../../src/commands/transfers/move-money.js';
import { loadRiskConfig, type RiskConfig } from '../../src/config/risk-config.js';
import type { RecordedEvent } from '../../src/eventstore/port.js';
import { openPostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import type { SqlEventStore } from '../../src/eventstore/sql/sql-event-store.js';
import { postgresDb, type Db } from '../../src/infra/db.js';
import { freshDatabase } from '../helpers/postgres.js';
import { asNew } from '../unit/cards/support/projection-bench.js';
import { until } from './helpers.js';
import { migrateServiceSchema } from '../../src/migrations/service/index.js';

describe('risk process against PostgreSQL', function () {
  this.timeout(60_000);
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let store: SqlEventStore;
  let db: Db;
  let repo: AggregateRepository;
  let process: RiskProcess | undefined;
  // Velocity at 100 JOD (critical at 200) so two transfers trip it.
  const config: RiskConfig = loadRiskConfig({ RISK_AUTO_FREEZE: 'true', RISK_VELOCITY_AMOUNT: '100' });

  const newRepo = () => new AggregateRepository(store, new SnapshotStore(db));
  const startProcess = (saveEveryMs?: number) => {
    process = new RiskProcess(store, db, newRepo(), config, pino({ level: 'silent' }), { batchSize: 50, idleMs: 10, saveEveryMs });
    process.start();
    return process;
  };
  const checkpoint = async () =>
    BigInt((await db.query<{ position: string }>(`select position::text as position from cmd.process_checkpoints where name = 'risk'`))[0]?.position ?? '0');
  const caughtUp = async () => {
    // Every event appended so far, incidents included, has been read and saved.
    // Against every event written (the store's head lags while other transactions on the server run).
    const written = async () => BigInt((await db.query<{ p: string | null }>(`select max(position)::text as p from es.events`))[0]?.p ?? '0');
    await until(async () => (await checkpoint()) >= (await written()), 15_000, 'risk checkpoint');
  };
  const allEvents = async (): Promise<RecordedEvent[]> => {
    const out: RecordedEvent[] = [];
    for (let from = 0n; ; ) {
      const batch = await store.readAll({ fromPosition: from, max: 1000 });
      if (batch.length === 0) return out;
      out.push(...batch);
      from = batch[batch.length - 1]!.position;
    }
  };
  const raised = async () => {
    // Straight from the table: readAll only shows what every running transaction on the server has passed.
    const rows = await db.query<{ data: Record<string, unknown> }>(`select data from es.events where type = 'IncidentRaised' order by position`);
    return rows.map((r) => ({ type: 'IncidentRaised', data: r.data }));
  };

  before(async () => {
    database = await freshDatabase('risk');
    store = await openPostgresEventStore(database.url, 5);
    db = postgresDb(database.url, 5);
    await migrateServiceSchema(db);
    repo = newRepo();
    await ensureSystemAccounts(repo);
  });
  after(async () => {
    await process?.stop();
    await store.close();
    await db.end();
    await database.drop();
  });

  const attempt = (email: string, ip: string, outcome = 'failure', extra: Record<string, unknown> = {}) =>
    asNew('AuthAttemptRecorded', {
      attempt_id: randomUUID(), kind: 'login', outcome, user_id: null, email, ip, country: null, user_agent: 'test', reason: 'invalid_credentials',
      occurred_at: new Date().toISOString(), ...extra,
    });

  it('raises brute force from appended sign-in failures, with severity and evidence', async () => {
    startProcess();
    const events = Array.from({ length: 5 }, (_, i) => attempt('victim@example.com', `203.0.113.${i}`));
    const appended = await store.append('auth-attempts-anon-test', events, 'any');
    const fifth = appended.events[4]!;
    const id = incidentIdFor(fifth.event_id, 'brute_force');
    await until(async () => (await store.readStream(`incident-${id}`)).length > 0, 15_000, 'brute force incident');
    const [incident] = await store.readStream(`incident-${id}`);
    expect(incident!.type).to.equal('IncidentRaised');
    expect(incident!.data).to.deep.include({ rule: 'brute_force', severity: 'high', ip: '203.0.113.4' });
    expect(incident!.data.evidence).to.deep.include({ email: 'victim@example.com', failed_attempts: 5 });
    expect(incident!.metadata.actor.role).to.equal('system:risk');
    // Four failures of another email raise nothing.
    await store.append('auth-attempts-anon-test2', Array.from({ length: 4 }, () => attempt('other@example.com', '198.51.100.1')), 'any');
    await caughtUp();
    expect((await raised()).map((e) => e.data.rule)).to.deep.equal(['brute_force']);
  });

  it('freezes the account on a critical velocity finding when auto-freeze is on', async () => {
    const ctx = systemContext('test');
    const alice = await openAccount(repo, ctx, { owner_id: 'alice', type: 'Basic', currency: 'JOD' });
    const bob = await openAccount(repo, ctx, { owner_id: 'bob', type: 'Basic', currency: 'JOD' });
    const from = alice.state.account_number;
    await deposit(repo, store, ctx, { deposit_id: randomUUID(), account_number: from, amount: 1_000_000n });
    for (const amount of [150_000n, 150_000n]) {
      await moveMoney(repo, store, ctx, {
        transfer_id: randomUUID(), kind: 'internal', from, to: bob.state.account_number, amount, fee: 0n, fee_account: null, credit_amount: amount, fx: null,
      });
    }
    await caughtUp();
    await until(async () => (await newRepo().load(accountAggregate, accountStream(from))).state.status === 'frozen', 15_000, 'auto-freeze');
    const velocity = (await raised()).filter((e) => e.data.rule === 'transfer_velocity');
    expect(velocity.map((e) => e.data.severity)).to.deep.equal(['high', 'critical']);
    expect(velocity[1]!.data).to.deep.include({ account_number: from, user_id: 'alice' });
    expect(velocity[1]!.data.evidence).to.deep.include({ auto_freeze: true });
    const frozen = (await store.readStream(accountStream(from))).find((e) => e.type === 'AccountFrozen');
    expect(frozen!.metadata.actor.role).to.equal('system:risk');
    // Deposits are not transfers: the receiver raised nothing.
    expect(velocity.every((e) => e.data.account_number === from)).to.equal(true);
  });

  it('raises nothing twice after a restart, even one that replays from position 0', async () => {
    await caughtUp();
    const before = (await raised()).length;
    const frozenBefore = (await allEvents()).filter((e) => e.type === 'AccountFrozen').length;
    await process!.stop();
    startProcess();
    await store.append('auth-attempts-anon-test3', [attempt('x@example.com', '192.0.2.1')], 'any');
    await caughtUp();
    expect((await raised()).length).to.equal(before);
    // A crash before the checkpoint was saved: the whole history is read again.
    await process!.stop();
    await db.query(`delete from cmd.process_checkpoints where name = 'risk'; delete from cmd.risk_memory_entries where name = 'risk'`);
    const replay = startProcess();
    await caughtUp();
    expect((await raised()).length).to.equal(before);
    expect((await allEvents()).filter((e) => e.type === 'AccountFrozen').length).to.equal(frozenBefore);
    expect(replay.raisedHere).to.equal(0);
  });

  it('spaces its saves, and saves what it has done when stopped', async () => {
    await caughtUp();
    await process!.stop();
    const proc = startProcess(60_000);
    await store.append('auth-attempts-anon-test4', [attempt('y@example.com', '192.0.2.9')], 'any');
    const appended = await store.append('auth-attempts-anon-test5', Array.from({ length: 5 }, () => attempt('z@example.com', '192.0.2.7')), 'any');
    const id = incidentIdFor(appended.events[4]!.event_id, 'brute_force');
    await until(async () => (await store.readStream(`incident-${id}`)).length > 0, 15_000, 'brute force incident');
    // Handled (the incident is raised) but not saved: the next save is a minute after the start.
    expect(Number(await checkpoint())).to.be.lessThan(Number(appended.events[4]!.position));
    await proc.stop();
    expect(Number(await checkpoint())).to.be.at.least(Number(appended.events[4]!.position));
    expect(proc.raisedHere).to.equal(1);
    startProcess();
  });
});
