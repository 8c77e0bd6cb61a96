import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { openAccount } from '../../src/commands/accounts/open-account.js';
import { deposit } from '../../src/commands/accounts/deposit.js';
import { ensureSystemAccounts } from '../../src/commands/accounts/system-accounts.js';
import { ensureBillers } from '../../src/commands/bills/ensure-billers.js';
import { payBill } from '../../src/commands/bills/pay-bill.js';
import { raiseIncident } from '../../src/commands/risk/incident-aggregate.js';
import { recordAuthAttempt } from '../../src/commands/security/attempt-recorder.js';
import { eraseUser } from '../../src/commands/users/erase-user.js';
import { openIdentityStores, type IdentityStores } from '../../src/commands/users/identity-stores.js';
import { userAggregate } from '../../src/commands/users/load-user.js';
import { userStream } from '../../src/domain/users/decider.js';
import type { EventStore } from '../../src/eventstore/port.js';
import { Keyring } from '../../src/privacy/keyring.js';
import { PersonalData } from '../../src/privacy/personal-data.js';
import { PrivateEventStore } from '../../src/privacy/private-event-store.js';
import { ERASED } from '../../src/privacy/sealed-value.js';
import { cardNumberKey } from '../../src/commands/cards/card-numbers.js';
import { issueCard } from '../../src/commands/cards/issue-card.js';
import { AggregateRepository } from '../../src/commands/shared/aggregate-repository.js';
import type { CommandContext } from '../../src/commands/shared/command-context.js';
import { SnapshotStore } from '../../src/commands/shared/snapshots.js';
import { makeTransfer } from '../../src/commands/transfers/make-transfer.js';
import { BILLERS } from '../../src/domain/bills/billers.js';
import type { Currency } from '../../src/domain/money/currency.js';
import { DomainError } from '../../src/domain/shared/domain-error.js';
import { openPostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import type { SqlEventStore } from '../../src/eventstore/sql/sql-event-store.js';
import { postgresDb, type Db } from '../../src/infra/db.js';
import { allProjections } from '../../src/projections/registry.js';
import { rebuildAll } from '../../src/projections/runtime/rebuild.js';
import { ProjectionRuntime } from '../../src/projections/runtime/runtime.js';
import { freshDatabase } from '../helpers/postgres.js';
import { migrateServiceSchema } from '../../src/migrations/service/index.js';

const logger = pino({ level: 'silent' });

/** Every table of every projection, rows as JSON sorted, so two dumps compare as values. */
async function dumpAll(db: Db, runtime: ProjectionRuntime): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const p of runtime.projections) {
    for (const table of p.tables) {
      const rows = await db.query(`select * from rm.${table}`);
      out[`${p.name}.${table}`] = rows.map((r) => JSON.stringify(r)).sort();
    }
  }
  return out;
}

/** A seeded generator, so a failure can be replayed with the same workload. */
function rng(seed: number) {
  let x = seed >>> 0;
  return (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

describe('rebuilding every projection from position 0 gives the live tables back', function () {
  this.timeout(240_000);
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let raw: SqlEventStore;
  /** As the service has it: appends seal personal fields, reads open them. */
  let store: EventStore;
  let personal: PersonalData;
  let identity: IdentityStores;
  let db: Db;
  let runtime: ProjectionRuntime;

  before(async () => {
    database = await freshDatabase('rebuild_eq');
    raw = await openPostgresEventStore(database.url, 10);
    db = postgresDb(database.url, 10);
    await migrateServiceSchema(db);
    personal = new PersonalData(new Keyring(db, Buffer.alloc(32, 7)));
    store = new PrivateEventStore(raw, personal).opened();
    identity = await openIdentityStores(db, { emailHashKey: Buffer.alloc(32, 9) });
    runtime = new ProjectionRuntime(store, db, logger, allProjections(), { project: true, batchSize: 200, idleMs: 10 });
    await runtime.start();
  });
  after(async () => {
    await runtime?.stop();
    await raw?.close();
    await db?.end();
    await database?.drop();
  });

  it('after a long random workload of users, sign-ins, incidents, accounts, deposits, transfers, bills, cards and erasures', async () => {
    const seed = Number(process.env.REBUILD_SEED ?? 20_260_105);
    const pick = rng(seed);
    const repo = new AggregateRepository(store, new SnapshotStore(db));
    await ensureSystemAccounts(repo);
    await ensureBillers(repo);
    const ctx = (user: string | null): CommandContext => ({
      actor: { user_id: user, role: user ? 'customer' : 'staff', ip: '127.0.0.1' },
      correlation_id: randomUUID(),
      causation_id: null,
      now: new Date(Date.UTC(2026, 0, 1) + pick(90 * 24) * 3_600_000),
    });
    const owners = Array.from({ length: 8 }, () => randomUUID());
    const countries = ['Jordan', 'UAE', 'Flat 3, Rainbow St', '', 'JO'];
    for (const [i, owner] of owners.entries()) {
      const register = { type: 'RegisterUser' as const, user_id: owner, email: `owner${i}@example.com`, credential_id: randomUUID(), first_name: `First${i}`, last_name: `Last${i}`, country: countries[i % countries.length]! };
      await repo.execute(userAggregate, userStream(owner), register, ctx(null), () => randomUUID());
      await repo.execute(userAggregate, userStream(owner), { type: 'ActivateUser' }, ctx(null), () => randomUUID());
    }
    const erased: string[] = [];
    const geo = { country: async () => 'JO' };
    const accounts: { number: string; owner: string; currency: Currency }[] = [];
    const currencies: Currency[] = ['JOD', 'JOD', 'USD', 'EUR'];
    for (let i = 0; i < 24; i++) {
      const owner = owners[i % owners.length]!;
      const currency = currencies[pick(currencies.length)]!;
      const type = currency === 'JOD' ? (['Basic', 'Savings', 'Salary'] as const)[pick(3)]! : currency;
      const opened = await openAccount(repo, ctx(owner), { owner_id: owner, type, currency });
      accounts.push({ number: opened.state.account_number, owner, currency });
    }
    const panKey = cardNumberKey('rebuild-equality-test-secret-0123456789');
    const counts = { ok: 0, refused: 0 };
    const some = () => accounts[pick(accounts.length)]!;
    for (let i = 0; i < 1200; i++) {
      const a = some();
      const choice = pick(12);
      // Two owners are erased part-way: their accounts go on moving money.
      if (i === 400 || i === 900) {
        const owner = owners[erased.length]!;
        await eraseUser({ repo, personal, ...identity }, owner, ctx(null));
        erased.push(owner);
      }
      try {
        if (choice === 10) {
          const known = pick(3) > 0;
          const user = owners[pick(owners.length)]!;
          await recordAuthAttempt(store, geo, Buffer.alloc(32, 9), ctx(null), {
            kind: 'login', outcome: pick(2) ? 'success' : 'failure', user_id: known ? user : null, email: known ? `owner${owners.indexOf(user)}@example.com` : `nobody${pick(5)}@example.com`, user_agent: `agent/${pick(3)}`, reason: null,
          });
        } else if (choice === 11) {
          const user = owners[pick(owners.length)]!;
          if (pick(2)) {
            await repo.execute(userAggregate, userStream(user), { type: 'UpdateProfile', changes: { first_name: `F${i}`, country: countries[pick(countries.length)]! } }, ctx(user), () => randomUUID());
          } else {
            await raiseIncident(repo, ctx(null), randomUUID(), { rule: 'brute_force', severity: 'high', user_id: user, account_number: null, ip: '203.0.113.9', evidence: { email: `owner${owners.indexOf(user)}@example.com`, failed_attempts: 5 } }, ctx(null).now);
          }
        } else if (choice < 3) {
          await deposit(repo, store, ctx(null), { deposit_id: randomUUID(), account_number: a.number, amount: BigInt(1 + pick(900_000)) });
        } else if (choice < 8) {
          const own = choice < 5;
          const b = own ? accounts.find((x) => x.owner === a.owner && x.number !== a.number) ?? some() : some();
          const amount = `${1 + pick(300)}.${String(pick(100)).padStart(2, '0')}`;
          await makeTransfer(repo, store, ctx(a.owner), { transfer_id: randomUUID(), owner_id: a.owner, kind: own ? 'internal' : 'external', sender_account: a.number, receiver_account: b.number, amount }, async () => undefined);
        } else if (choice < 9) {
          const biller = BILLERS[pick(BILLERS.length)]!;
          await payBill(repo, store, ctx(a.owner), { bill_id: randomUUID(), owner_id: a.owner, biller_id: biller.id, account_number: a.number, amount: undefined, reference: '12345678' });
        } else {
          await issueCard({ repo, panKey, store }, ctx(a.owner), { caller_id: a.owner, account_number: a.number, card_type: pick(2) === 0 ? 'DEBIT' : 'CREDIT' });
        }
        counts.ok++;
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        counts.refused++;
      }
    }
    // The workload must really have moved money, and hit refusals too.
    expect(counts.ok).to.be.greaterThan(600);
    expect(counts.refused).to.be.greaterThan(0);

    // Let anything the commands started in the background land before taking the head.
    let head = await store.headPosition();
    for (let stable = 0; stable < 3; ) {
      await new Promise((r) => setTimeout(r, 100));
      const now = await store.headPosition();
      stable = now === head ? stable + 1 : 0;
      head = now;
    }
    expect(head > 2000n, `head ${head}`).to.equal(true);
    expect(await runtime.waitForPosition(head, 60_000)).to.equal(true);
    const live = await dumpAll(db, runtime);
    expect(live['accounts.account_entries']!.length).to.be.greaterThan(300);
    if (process.env.REBUILD_DEBUG) console.log(counts, head, Object.fromEntries(Object.entries(live).map(([t, r]) => [t, r.length])));
    const filled = Object.entries(live).filter(([, rows]) => rows.length > 0).map(([t]) => t);
    expect(filled, 'tables the workload fills').to.include.members(['accounts.accounts', 'accounts.account_entries', 'admin.admin_users', 'logins.login_events', 'risk.incidents']);
    // The live rows of the erased owners hold no personal data any more; the others' do.
    const users = await db.query<{ user_id: string; email: string; first_name: string }>('select user_id, email, first_name from rm.admin_users');
    for (const u of users) expect(u.email === ERASED && u.first_name === '', u.email).to.equal(erased.includes(u.user_id));
    const leftover = await db.query(
      `select 1 from rm.login_events where user_id = any($1::text[]) and (coalesce(email, $2) <> $2 or coalesce(ip, $2) <> $2 or coalesce(user_agent, $2) <> $2)
       union all select 1 from rm.incidents where user_id = any($1::text[]) and (coalesce(ip, $2) <> $2 or evidence->>'email' <> $2)`,
      [erased, ERASED],
    );
    expect(leftover, 'personal data of erased users in the read models').to.have.length(0);
    expect(filled.length, `filled: ${filled.join(', ')}`).to.be.greaterThan(Object.keys(live).length / 2);

    // The rebuilt tables get every index and key back (insert-only tables are loaded without their primary key).
    const indexes = () => db.query<{ indexdef: string }>(`select indexdef from pg_indexes where schemaname = 'rm' order by tablename, indexname`);
    const liveIndexes = await indexes();
    expect(liveIndexes.map((i) => i.indexdef)).to.include('CREATE UNIQUE INDEX account_entries_pkey ON rm.account_entries USING btree (event_id)');
    // All of them in one read of the log (the runtime's live projector going on beside), each checked at its swap.
    const outcomes = await rebuildAll(store, db, runtime.projections, { batchSize: 300, verify: true });
    for (const outcome of outcomes) {
      expect(outcome.ok, `${outcome.name}: ${outcome.ok ? '' : outcome.error.message}`).to.equal(true);
      if (!outcome.ok) continue;
      expect(outcome.progress.position >= head, `${outcome.name} rebuilt up to ${outcome.progress.position}`).to.equal(true);
      expect(outcome.check, `${outcome.name} checked against the live build`).to.deep.equal({ compared: true, differing: [] });
    }
    const rebuilt = await dumpAll(db, runtime);
    expect(await indexes(), 'indexes after the rebuild').to.deep.equal(liveIndexes);
    expect(await store.headPosition(), 'events were appended during the rebuilds: the comparison would not be fair').to.equal(head);
    expect(Object.keys(rebuilt)).to.deep.equal(Object.keys(live));
    for (const table of Object.keys(live)) {
      const gone = live[table]!.filter((r) => !rebuilt[table]!.includes(r));
      const added = rebuilt[table]!.filter((r) => !live[table]!.includes(r));
      if (gone.length + added.length > 0) console.error(`${table}: live only ${JSON.stringify(gone.slice(0, 3))}\nrebuilt only ${JSON.stringify(added.slice(0, 3))}`);
      expect(rebuilt[table], `${table} differs after the rebuild`).to.deep.equal(live[table]);
    }
    const status = await runtime.status();
    expect(status.projections.every((p) => p.state === 'live' && p.lag === '0')).to.equal(true);
  });
});
