import { expect } from 'chai';
import { randomBytes, randomUUID } from 'node:crypto';
import type { EventMetadata, NewEvent } from '../../src/eventstore/port.js';
import { openPostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import type { SqlEventStore } from '../../src/eventstore/sql/sql-event-store.js';
import { verifyStream } from '../../src/audit/verify-chains.js';
import { postgresDb, type Db } from '../../src/infra/db.js';
import { viewEvents } from '../../src/privacy/event-view.js';
import { Keyring } from '../../src/privacy/keyring.js';
import { PersonalData } from '../../src/privacy/personal-data.js';
import { PrivateEventStore } from '../../src/privacy/private-event-store.js';
import { ERASED, SEALED_PREFIX } from '../../src/privacy/sealed-value.js';
import { freshDatabase } from '../helpers/postgres.js';
import { migrateServiceSchema } from '../../src/migrations/service/index.js';

const json = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x));
const meta = (user_id: string | null, ip: string | null, occurred_at = '2026-12-04T10:00:00.000Z'): EventMetadata => ({
  correlation_id: randomUUID(), causation_id: null, actor: { user_id, role: 'customer', ip }, schema_version: 1, occurred_at,
});
const registered = (userId: string, email: string): NewEvent => ({
  event_id: randomUUID(), type: 'UserRegistered', metadata: meta(null, '203.0.113.5'),
  data: { user_id: userId, email, credential_id: randomUUID(), country: 'Jordan', kpi_country: 'Jordan', first_name: 'Ann', last_name: '', is_staff: false, is_superuser: false, roles: [], registered_at: '2026-12-04T10:00:00.000Z' },
});
const attempt = (userId: string | null, email: string, occurred_at: string): NewEvent => ({
  event_id: randomUUID(), type: 'AuthAttemptRecorded', metadata: meta(null, '198.51.100.7', occurred_at),
  data: { attempt_id: randomUUID(), kind: 'login', outcome: 'failure', user_id: userId, email, ip: '198.51.100.7', country: 'JO', user_agent: 'ua/1', reason: null, occurred_at },
});

describe('personal data: sealed fields, data keys, erasure and the redacted view (PostgreSQL)', function () {
  this.timeout(60_000);
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let raw: SqlEventStore;
  let db: Db;
  let personal: PersonalData;
  let store: PrivateEventStore;
  const masterKey = randomBytes(32);

  before(async () => {
    database = await freshDatabase('personal');
    raw = await openPostgresEventStore(database.url, 4);
    db = postgresDb(database.url, 4);
    await migrateServiceSchema(db);
    personal = new PersonalData(new Keyring(db, masterKey));
    store = new PrivateEventStore(raw, personal);
  });
  after(async () => {
    await raw.close();
    await db.end();
    await database.drop();
  });

  it('stores personal fields and the actor IP sealed; the opened store and the view read them back', async () => {
    const user = randomUUID();
    await store.append(`user-${user}`, [registered(user, 'ann@example.com')], 'no_stream');
    const [stored] = await raw.readStream(`user-${user}`);
    const text = json(stored);
    for (const clear of ['ann@example.com', 'Ann', '203.0.113.5']) expect(text, clear).to.not.include(clear);
    for (const field of ['email', 'first_name', 'country']) expect(stored!.data[field], field).to.be.a('string').that.satisfies((v: string) => v.startsWith(`${SEALED_PREFIX}${user}:`));
    expect(stored!.data).to.include({ kpi_country: 'Jordan', last_name: '', is_staff: false });
    const [opened] = await store.opened().readStream(`user-${user}`);
    expect(opened!.data).to.include({ email: 'ann@example.com', first_name: 'Ann', country: 'Jordan' });
    expect(opened!.metadata.actor.ip, 'projections need no IP: it stays sealed').to.match(/^pii:v1:/);
    const [view] = await viewEvents(personal, [stored!]);
    expect(view!.data).to.include({ email: 'ann@example.com' });
    expect(view!.metadata.actor.ip).to.equal('203.0.113.5');
  });

  it('a ciphertext planted in another subject\'s field is never opened with the victim\'s key', async () => {
    const victim = randomUUID();
    const thief = randomUUID();
    await store.append(`user-${victim}`, [registered(victim, 'victim@example.com')], 'no_stream');
    const [stored] = await raw.readStream(`user-${victim}`);
    // The thief registers with the victim's sealed email as a name: it is sealed again, under the thief's key.
    const planted = registered(thief, 'thief@example.com');
    planted.data.first_name = stored!.data.email!;
    await store.append(`user-${thief}`, [planted], 'no_stream');
    const [mine] = await store.opened().readStream(`user-${thief}`);
    expect(mine!.data.first_name).to.equal(stored!.data.email);
    expect(json(mine)).to.not.include('victim@example.com');
    // And a sealed value copied raw into another subject's event opens as erased.
    await raw.append(`user-${thief}`, [{ ...registered(thief, ''), data: { ...planted.data, email: stored!.data.email! } }], 'any');
    const [, copied] = await viewEvents(personal, await raw.readStream(`user-${thief}`));
    expect(copied!.data.email).to.equal(ERASED);
  });

  it('after the key is destroyed every reader shows erased, new events of the subject are stored erased, the chain is intact', async () => {
    const user = randomUUID();
    await store.append(`user-${user}`, [registered(user, 'gone@example.com')], 'no_stream');
    await store.append(`auth-attempts-${user}`, [attempt(user, 'gone@example.com', '2026-12-04T11:00:00.000Z')], 'any');
    await personal.keyring.destroy(user);
    const [reg] = await store.opened().readStream(`user-${user}`);
    expect(reg!.data).to.include({ email: ERASED, first_name: ERASED, country: ERASED, kpi_country: 'Jordan' });
    const [att] = await viewEvents(personal, await raw.readStream(`auth-attempts-${user}`));
    expect(att!.data).to.include({ email: ERASED, ip: ERASED, user_agent: ERASED, country: 'JO', outcome: 'failure' });
    expect(att!.metadata.actor.ip).to.equal(ERASED);
    expect(await personal.keyring.keyFor(user)).to.equal(null);
    await store.append(`auth-attempts-${user}`, [attempt(user, 'gone@example.com', '2026-12-04T12:00:00.000Z')], 'any');
    const [, later] = await raw.readStream(`auth-attempts-${user}`);
    expect(later!.data).to.include({ email: ERASED, ip: ERASED });
    for (const stream of [`user-${user}`, `auth-attempts-${user}`]) expect((await verifyStream(raw, stream)).ok, stream).to.equal(true);
    // A keyring with another master key cannot unwrap what exists: it fails loudly instead of showing data as erased.
    const other = randomUUID();
    await store.append(`user-${other}`, [registered(other, 'kept@example.com')], 'no_stream');
    const wrongMaster = new PersonalData(new Keyring(db, randomBytes(32)));
    let failed: unknown;
    await wrongMaster.open(await raw.readStream(`user-${other}`)).catch((e: unknown) => (failed = e));
    expect(String(failed)).to.match(/DATA_MASTER_KEY/);
  });

  it('attempts on unknown emails use the month key, which retention destroys', async () => {
    await store.append('auth-attempts-anon-x', [attempt(null, 'typo@example.com', '2026-10-15T00:00:00.000Z'), attempt(null, 'other@example.com', '2026-11-15T00:00:00.000Z')], 'any');
    expect(await personal.keyring.destroyAnonymousBefore('2026-11')).to.deep.equal(['anon-2026-10']);
    const [october, november] = await viewEvents(personal, await raw.readStream('auth-attempts-anon-x'));
    expect(october!.data).to.include({ email: ERASED, ip: ERASED });
    expect(november!.data).to.include({ email: 'other@example.com', ip: '198.51.100.7' });
  });

  it('the view removes legacy credential material and hides legacy clear fields once their user is erased', async () => {
    const user = randomUUID();
    const legacy = registered(user, 'legacy@example.com');
    legacy.data = { ...legacy.data, credential_id: null, password_hash: '$argon2id$v=19$legacy' };
    await raw.append(`user-${user}`, [legacy], 'no_stream');
    await raw.append(`transfer-${user}`, [{ event_id: randomUUID(), type: 'TransferRequested', metadata: meta(user, null), data: { transfer_id: user, otp_hash: '$argon2id$otp', amount: '1' } }], 'no_stream');
    const before = await viewEvents(personal, [...(await raw.readStream(`user-${user}`)), ...(await raw.readStream(`transfer-${user}`))]);
    expect(json(before)).to.not.include('password_hash').and.not.include('otp_hash').and.not.include('$argon2');
    expect(before[0]!.data).to.include({ email: 'legacy@example.com' });
    await personal.keyring.destroy(user);
    const [after] = await viewEvents(personal, await raw.readStream(`user-${user}`));
    expect(after!.data).to.include({ email: ERASED, first_name: ERASED, kpi_country: 'Jordan' });
    expect(after!.metadata.actor.ip).to.equal(ERASED);
  });
});
