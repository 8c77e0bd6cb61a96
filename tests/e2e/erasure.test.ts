import { expect } from 'chai';
import pg from 'pg';
import { ERASED } from '../../src/privacy/sealed-value.js';
import { auditEvents, auditStream, expectNoneIn } from '../helpers/audit.js';
import { bankSteps, startBank, type BankFixture } from '../helpers/bank.js';
import { DEFAULT_PASSWORD, login, registerUser, runCli, type TestUser, type Tokens } from '../helpers/users.js';

const PERSONAL = ['gina.erased@example.com', 'Ginevra', 'Quixotte', 'Narnia Heights 7'];

describe('erasure of a user (crypto-shredding), end to end', function () {
  this.timeout(180_000);
  let bank: BankFixture;
  let gina: TestUser;
  let ginaTokens: Tokens;
  let account: string;
  let other: string;
  /** A position after everything the set-up did (a tiny deposit made last): the read models wait for it. */
  let marker: string;
  before(async () => {
    bank = await startBank();
    const steps = bankSteps(bank);
    gina = await registerUser(bank.svc, PERSONAL[0]!, DEFAULT_PASSWORD, { first_name: PERSONAL[1]!, last_name: PERSONAL[2]!, country: 'Jordan' });
    const profile = await bank.svc.api.patch('/auth/users/me/', { country: PERSONAL[3] }, { token: (await login(bank.svc, gina.email)).access });
    expect(profile.status).to.equal(200);
    expect((await bank.svc.api.post('/auth/jwt/create/', { email: gina.email, password: 'Wrong-passw0rd-1' })).status).to.equal(401);
    ginaTokens = await login(bank.svc, gina.email);
    account = await steps.open(ginaTokens.access);
    other = await steps.open(bank.bob.access);
    await steps.fund(account, '300.000');
    const sent = await bank.svc.api.post('/transfers/external/', { sender_account: account, receiver_account: other, amount: '120.000' }, { token: ginaTokens.access });
    expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
    // A staff action about her: an admin_action incident with her id and the staff member's IP.
    for (const action of ['block', 'unblock']) {
      expect((await bank.svc.api.post(`/admin/users/${gina.id}/${action}/`, { reason: 'check' }, { token: bank.staff.access })).status).to.equal(200);
    }
    ginaTokens = await login(bank.svc, gina.email);
    marker = await steps.fund(other, '0.001');
  });
  after(async () => {
    await bank?.svc.stop();
  });

  const storedText = async (): Promise<string> => {
    const client = new pg.Client({ connectionString: bank.svc.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ t: string }>(`select string_agg(data::text || metadata::text, ' ') as t from es.events`);
      return rows[0]!.t;
    } finally {
      await client.end();
    }
  };
  const snapshot = async (position: string) => {
    const token = bank.staff.access;
    const q = `min_position=${position}`;
    const [balances, countries, overview, logins, accounts] = await Promise.all([
      Promise.all([account, other].map(async (n) => (await bank.svc.api.get(`/audit/accounts/${n}/balance/?${q}`, { token })).body)),
      bank.svc.api.get(`/business/countries/?${q}`, { token }),
      bank.svc.api.get(`/business/overview/?${q}`, { token }),
      bank.svc.api.get(`/risk/logins/?user_id=${gina.id}&${q}`, { token }),
      bank.svc.api.get(`/admin/accounts/?owner=${gina.id}&${q}`, { token }),
    ]);
    for (const r of [countries, overview, logins, accounts]) expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return { balances, countries: countries.body.results, overview: overview.body, logins: logins.body.results, accounts: accounts.body.results };
  };

  it('stores personal fields encrypted; erasing shows them as erased everywhere while money, KPIs and the chain stay', async () => {
    const { svc, staff } = bank;
    // Stored encrypted: not one personal field in clear in the event table, yet readable through the service.
    const stored = await storedText();
    expectNoneIn(stored, 'es.events', [...PERSONAL, '127.0.0.1']);
    const before = await snapshot(marker);
    expect(before.logins.length).to.be.greaterThan(1);
    expect(before.logins.every((l: { attempted_email: string; ip: string }) => l.attempted_email === gina.email && l.ip !== null)).to.equal(true);
    expect(before.accounts[0].owner).to.include({ email: gina.email, first_name: PERSONAL[1] });
    const viewBefore = JSON.stringify(await auditStream(svc, staff.access, `user-${gina.id}`));
    for (const text of PERSONAL) expect(viewBefore).to.include(text);

    const erased = await runCli(svc, ['erase-user', gina.id]);
    expect(erased.code, erased.stderr).to.equal(0);
    const position = /position (\d+)/.exec(erased.stdout)![1]!;
    const after = await snapshot(position);

    // Every view and replay shows her personal fields as erased.
    const stream = await auditStream(svc, staff.access, `user-${gina.id}`);
    expect(stream.map((e) => e.type)).to.include.members(['UserRegistered', 'ProfileUpdated', 'UserErased']);
    expect(stream[0]!.data).to.include({ email: ERASED, first_name: ERASED, last_name: ERASED, country: ERASED, kpi_country: 'Jordan' });
    const everything = JSON.stringify(await auditEvents(svc, staff.access));
    expectNoneIn(everything, '/audit/events', PERSONAL);
    // A replay reads up to the commit-safe horizon, which a long write transaction elsewhere on the
    // server (another suite's) may hold back for a while: delayed, never lost (README, "Event store").
    let replay = await runCli(svc, ['replay']);
    for (let i = 0; i < 30 && replay.code === 0 && !replay.stdout.includes('UserErased'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      replay = await runCli(svc, ['replay']);
    }
    expect(replay.code, replay.stderr).to.equal(0);
    expect(replay.stdout).to.include('UserErased');
    expectNoneIn(replay.stdout, 'cli replay', PERSONAL);
    expect(after.logins).to.have.length(before.logins.length);
    for (const l of after.logins) expect(l).to.include({ attempted_email: null, ip: null, user_agent: null, user_id: gina.id });
    expect(after.accounts[0].owner).to.include({ id: gina.id, email: ERASED, first_name: '', last_name: '' });
    const incidents = await svc.api.get(`/risk/incidents/?user_id=${gina.id}&min_position=${position}`, { token: staff.access });
    expect(incidents.status).to.equal(200);
    expect(incidents.body.results.length).to.be.greaterThan(0);
    for (const i of incidents.body.results) expect(i.evidence.performed_from ?? ERASED).to.equal(ERASED);
    // Balances and KPIs are exactly what they were; the chain still verifies.
    expect(after.balances).to.deep.equal(before.balances);
    expect(after.countries).to.deep.equal(before.countries);
    expect(after.overview).to.deep.equal(before.overview);
    const verified = await runCli(svc, ['verify']);
    expect(verified.code, verified.stdout).to.equal(0);
    const http = await svc.api.get('/audit/verify/', { token: staff.access });
    expect(http.body.ok).to.equal(true);

    // She is gone: no login, no token; the email is free again, for a new id.
    expect((await svc.api.post('/auth/jwt/create/', { email: gina.email, password: DEFAULT_PASSWORD })).status).to.equal(401);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await svc.api.get('/auth/users/me/', { token: ginaTokens.access })).status).to.equal(401);
    const again = await registerUser(svc, gina.email);
    expect(again.id).to.not.equal(gina.id);

    // Erasing again only repeats the clean-up; an unknown id is refused.
    const twice = await runCli(svc, ['erase-user', gina.id]);
    expect([twice.code, twice.stdout]).to.satisfy(([code, out]: [number, string]) => code === 0 && /already erased/.test(out));
    expect((await runCli(svc, ['erase-user', '7b1d4a55-0000-4000-8000-000000000000'])).code).to.equal(1);
  });
});
