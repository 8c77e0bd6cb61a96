import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import { ERASED } from '../../src/privacy/sealed-value.js';
import { auditStream, expectNoneIn } from '../helpers/audit.js';
import { bankSteps } from '../helpers/bank.js';
import { startService, writtenHead, type RunningService } from '../helpers/service.js';
import { createStaff, DEFAULT_PASSWORD, login, registerUser, runCli, type TestUser, type Tokens } from '../helpers/users.js';

/** The whole stored event table as text, as a reader of the database would see it. */
async function storedText(svc: RunningService): Promise<string> {
  const client = new pg.Client({ connectionString: svc.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ t: string }>(`select string_agg(type || ' ' || data::text, ' ') as t from es.events`);
    return rows[0]!.t;
  } finally {
    await client.end();
  }
}

/** uid and token of the newest email-reset link mailed to `to`. */
async function emailResetLink(svc: RunningService, to: string, after: number): Promise<{ uid: string; token: string }> {
  const mail = await svc.mail.waitFor(to, /Change your login email/, 10_000, after);
  const match = /\/email\/reset\/confirm\/([^/\s]+)\/([^/\s]+)/.exec(mail.text);
  if (!match) throw new Error(`no email reset link in:\n${mail.text}`);
  return { uid: match[1]!, token: match[2]! };
}

describe('user lifecycle (djoser parity, HTTP)', function () {
  this.timeout(180_000);
  let svc: RunningService;
  let staff: TestUser & Tokens;
  let alice: TestUser;
  let bob: TestUser;
  let aliceTokens: Tokens;
  let bobTokens: Tokens;

  before(async () => {
    svc = await startService();
    staff = await createStaff(svc, 'staff@example.com');
    alice = await registerUser(svc, 'alice@example.com', DEFAULT_PASSWORD, { first_name: 'Alice', country: 'Jordan' });
    bob = await registerUser(svc, 'bob@example.com');
    aliceTokens = await login(svc, alice.email);
    bobTokens = await login(svc, bob.email);
  });
  after(async () => {
    await svc?.stop();
  });

  describe('GET /auth/users and /auth/users/{id}', () => {
    it('shows a customer only themselves, staff everyone newest first, in cursor pages, filtered by exact email', async () => {
      const head = await writtenHead(svc);
      const mine = await svc.api.get(`/auth/users/?min_position=${head}`, { token: aliceTokens.access });
      expect(mine.status, JSON.stringify(mine.body)).to.equal(200);
      expect(mine.headers.get('cache-control')).to.include('no-store');
      expect(mine.body.next_cursor).to.equal(null);
      expect(mine.body.results).to.have.length(1);
      expect(mine.body.results[0]).to.deep.include({ id: alice.id, email: alice.email, first_name: 'Alice', country: 'Jordan', is_staff: false, is_active: true });
      // A customer's email filter cannot reach anyone else.
      expect((await svc.api.get('/auth/users/?email=bob@example.com', { token: aliceTokens.access })).body.results).to.deep.equal([]);

      const all = await svc.api.get('/auth/users/', { token: staff.access });
      expect(all.body.results.map((u: { email: string }) => u.email)).to.deep.equal([bob.email, alice.email, staff.email]);
      const pages: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { results: Array<{ id: string }>; next_cursor: string | null } } = await svc.api.get(`/auth/users/?limit=1${cursor ? `&cursor=${cursor}` : ''}`, { token: staff.access });
        expect(page.body.results).to.have.length(1);
        pages.push(page.body.results[0]!.id);
        cursor = page.body.next_cursor;
      } while (cursor);
      expect(pages).to.deep.equal([bob.id, alice.id, staff.id]);
      const filtered = await svc.api.get('/auth/users/?email=%20Bob@Example.COM', { token: staff.access });
      expect(filtered.body.results.map((u: { id: string }) => u.id)).to.deep.equal([bob.id]);
      expect((await svc.api.get('/auth/users/?email=nobody@example.com', { token: staff.access })).body.results).to.deep.equal([]);
    });

    it('refuses bad pages (400) and anonymous callers (401)', async () => {
      for (const q of ['limit=0', 'limit=1000', 'cursor=zzz']) {
        const res = await svc.api.get(`/auth/users/?${q}`, { token: staff.access });
        expect(res.status, q).to.equal(400);
        expect(res.headers.get('content-type')).to.match(/problem\+json/);
      }
      expect((await svc.api.get('/auth/users/')).status).to.equal(401);
    });

    it('shows one user to themselves and to staff; anyone else gets the 404 of an unknown id', async () => {
      const self = await svc.api.get(`/auth/users/${alice.id}/`, { token: aliceTokens.access });
      expect(self.status).to.equal(200);
      expect(self.body).to.deep.include({ id: alice.id, email: alice.email, first_name: 'Alice' });
      const byStaff = await svc.api.get(`/auth/users/${alice.id}`, { token: staff.access });
      expect(byStaff.body).to.deep.equal(self.body);
      const other = await svc.api.get(`/auth/users/${alice.id}/`, { token: bobTokens.access });
      const unknown = await svc.api.get(`/auth/users/${randomUUID()}/`, { token: bobTokens.access });
      expect([other.status, unknown.status]).to.deep.equal([404, 404]);
      // Alike but for what names the request itself.
      const { instance: _a, request_id: _c, ...otherProblem } = other.body;
      const { instance: _b, request_id: _d, ...unknownProblem } = unknown.body;
      expect(otherProblem).to.deep.equal(unknownProblem);
      expect((await svc.api.get(`/auth/users/${randomUUID()}/`, { token: staff.access })).status).to.equal(404);
      expect((await svc.api.get('/auth/users/not-a-uuid/', { token: staff.access })).status).to.equal(404);
      expect((await svc.api.get(`/auth/users/${alice.id}/`)).status).to.equal(401);
    });
  });

  describe('changing the login email', () => {
    it('set_email: needs the current password and a free email; mails both addresses; the old one stops logging in and is free again', async () => {
      const wrong = await svc.api.post('/auth/users/set_email/', { new_email: 'bobby@example.com', current_password: 'Wrong-passw0rd-9' }, { token: bobTokens.access });
      expect(wrong.status).to.equal(400);
      expect(wrong.body.code).to.equal('invalid_password');
      const taken = await svc.api.post('/auth/users/set_email/', { new_email: 'ALICE@example.com', current_password: DEFAULT_PASSWORD }, { token: bobTokens.access });
      expect(taken.status).to.equal(400);
      expect(taken.body.code).to.equal('email_taken');
      expect((await svc.api.post('/auth/users/set_email/', { new_email: 'not an email', current_password: DEFAULT_PASSWORD }, { token: bobTokens.access })).status).to.equal(400);
      expect((await svc.api.post('/auth/users/set_email/', { new_email: 'x@example.com', current_password: DEFAULT_PASSWORD })).status).to.equal(401);

      const before = svc.mail.mails.length;
      const changed = await svc.api.post('/auth/users/set_email/', { new_email: 'Bobby@Example.com', current_password: DEFAULT_PASSWORD }, { token: bobTokens.access });
      expect(changed.status, JSON.stringify(changed.body)).to.equal(204);
      const toOld = await svc.mail.waitFor('bob@example.com', /Login email changed/, 10_000, before);
      expect(toOld.text).to.include('b***@example.com').and.not.include('bobby@');
      await svc.mail.waitFor('bobby@example.com', /Login email changed/, 10_000, before);

      expect((await svc.api.post('/auth/jwt/create/', { email: 'bob@example.com', password: DEFAULT_PASSWORD })).status).to.equal(401);
      bobTokens = await login(svc, 'bobby@example.com');
      const me = await svc.api.get(`/auth/users/${bob.id}/`, { token: bobTokens.access });
      expect(me.body.email).to.equal('bobby@example.com');
      const listed = await svc.api.get(`/auth/users/?email=bobby@example.com&min_position=${await writtenHead(svc)}`, { token: staff.access });
      expect(listed.body.results.map((u: { id: string }) => u.id)).to.deep.equal([bob.id]);
      // The new address is stored sealed like every personal field.
      expectNoneIn(await storedText(svc), 'es.events', ['bobby@example.com']);
      // The old address is free: someone else can register it.
      const newcomer = await registerUser(svc, 'bob@example.com');
      expect(newcomer.id).to.not.equal(bob.id);
    });

    it('reset_email: 204 whatever the email; a one-time link; a taken email does not spend it; mails both addresses', async () => {
      const unknown = await svc.api.post('/auth/users/reset_email/', { email: 'ghost@example.com' });
      expect(unknown.status).to.equal(204);
      const before = svc.mail.mails.length;
      expect((await svc.api.post('/auth/users/reset_email/', { email: alice.email })).status).to.equal(204);
      const first = await emailResetLink(svc, alice.email, before);
      expect(first.uid).to.equal(alice.id);
      // A newer link supersedes the first.
      const second = svc.mail.mails.length;
      expect((await svc.api.post('/auth/users/reset_email/', { email: alice.email })).status).to.equal(204);
      const link = await emailResetLink(svc, alice.email, second);
      const superseded = await svc.api.post('/auth/users/reset_email_confirm/', { ...first, new_email: 'alicia@example.com' });
      expect(superseded.status).to.equal(400);
      expect(superseded.body.code).to.equal('invalid_token');

      const taken = await svc.api.post('/auth/users/reset_email_confirm/', { ...link, new_email: 'bobby@example.com' });
      expect(taken.status).to.equal(400);
      expect(taken.body.code).to.equal('email_taken');
      const wrongUser = await svc.api.post('/auth/users/reset_email_confirm/', { ...link, uid: bob.id, new_email: 'alicia@example.com' });
      expect(wrongUser.status).to.equal(400);

      const mails = svc.mail.mails.length;
      const done = await svc.api.post('/auth/users/reset_email_confirm/', { ...link, new_email: 'alicia@example.com' });
      expect(done.status, JSON.stringify(done.body)).to.equal(204);
      await svc.mail.waitFor(alice.email, /Login email changed/, 10_000, mails);
      await svc.mail.waitFor('alicia@example.com', /Login email changed/, 10_000, mails);
      const reused = await svc.api.post('/auth/users/reset_email_confirm/', { ...link, new_email: 'alice2@example.com' });
      expect(reused.status).to.equal(400);
      expect(reused.body.code).to.equal('invalid_token');
      aliceTokens = await login(svc, 'alicia@example.com');
      expect((await svc.api.post('/auth/jwt/create/', { email: alice.email, password: DEFAULT_PASSWORD })).status).to.equal(401);
      // A password-reset token is not an email-reset token.
      const forged = await svc.api.post('/auth/users/reset_email_confirm/', { uid: alice.id, token: aliceTokens.access, new_email: 'alice3@example.com' });
      expect(forged.status).to.equal(400);
      alice = { ...alice, email: 'alicia@example.com' };
    });
  });

  describe('DELETE /auth/users/me (closing the customer)', () => {
    let carol: TestUser;
    let carolTokens: Tokens;
    let spare: Tokens;
    let main: string;
    let savings: string;
    let bobAccount: string;
    const staffGet = (path: string) => svc.api.get(path, { token: staff.access });
    /** What the auditors' replay of each account says of its money (its status and last event aside). */
    const balances = async (position: string) =>
      Promise.all([main, savings, bobAccount].map(async (n) => {
        const { body } = await staffGet(`/audit/accounts/${n}/balance/?min_position=${position}`);
        return { balance: body.balance, held: body.held, currency: body.currency, discrepancies: body.discrepancies, matches: body.read_model.matches, read: body.read_model.balance };
      }));

    before(async () => {
      const { open, fund } = bankSteps({ svc, staff, alice: aliceTokens, bob: bobTokens });
      carol = await registerUser(svc, 'carol@example.com', DEFAULT_PASSWORD, { first_name: 'Carolina', last_name: 'Zebedee', country: 'Jordan' });
      carolTokens = await login(svc, carol.email);
      spare = await login(svc, carol.email);
      main = await open(carolTokens.access);
      savings = await open(carolTokens.access, { type: 'Savings' });
      bobAccount = await open(bobTokens.access);
      for (const n of [main, savings]) expect((await svc.api.post(`/accounts/${n}/cards/`, {}, { token: carolTokens.access })).status).to.equal(201);
      await fund(main, '101.000');
    });

    it('refuses a wrong password (400) and, while an account holds money, closes nothing (409 problem naming it)', async () => {
      const wrong = await svc.api.delete('/auth/users/me/', { current_password: 'Wrong-passw0rd-1' }, { token: carolTokens.access });
      expect(wrong.status).to.equal(400);
      expect(wrong.body.code).to.equal('invalid_password');
      expect((await svc.api.delete('/auth/users/me/', {}, { token: carolTokens.access })).status).to.equal(400);
      expect((await svc.api.delete('/auth/users/me/', { current_password: DEFAULT_PASSWORD })).status).to.equal(401);
      const refused = await svc.api.delete('/auth/users/me/', { current_password: DEFAULT_PASSWORD }, { token: carolTokens.access });
      expect(refused.status, JSON.stringify(refused.body)).to.equal(409);
      expect(refused.headers.get('content-type')).to.match(/problem\+json/);
      expect(refused.body.code).to.equal('customer_has_funds');
      expect(refused.body.errors).to.deep.equal([{ field: `account:${main}`, message: 'Balance 101.000 JOD, 0 hold(s).' }]);
      // Nothing changed: she still signs in, her accounts and cards are as they were.
      const again = await login(svc, carol.email);
      const accounts = await svc.api.get(`/accounts/?min_position=${await writtenHead(svc)}`, { token: again.access });
      expect(accounts.body.results.map((a: { status: string }) => a.status)).to.deep.equal(['active', 'active']);
      const cards = await svc.api.get(`/accounts/${main}/cards/`, { token: again.access });
      expect(cards.body.results[0].status).to.equal('active');
      const staffRefused = await svc.api.delete('/auth/users/me/', { current_password: DEFAULT_PASSWORD }, { token: staff.access });
      expect(staffRefused.status).to.equal(409);
      expect(staffRefused.body.code).to.equal('staff_cannot_close');
    });

    it('with zero balances: closes accounts, cancels cards, revokes sessions, erases personal data; ledger, KPIs and chains unchanged', async () => {
      // She moves everything out: 100.000 plus the 1% fee empties the account.
      const sent = await svc.api.post('/transfers/external/', { sender_account: main, receiver_account: bobAccount, amount: '100.000' }, { token: carolTokens.access });
      expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
      const before = { balances: await balances(sent.body.position), overview: (await staffGet(`/business/overview/?min_position=${sent.body.position}`)).body };
      expect(before.balances.map((b) => b.balance)).to.deep.equal(['0.000', '0.000', '100.000']);
      const mails = svc.mail.mails.length;

      const closed = await svc.api.delete('/auth/users/me/', { current_password: DEFAULT_PASSWORD }, { token: carolTokens.access });
      expect(closed.status, JSON.stringify(closed.body)).to.equal(204);
      await svc.mail.waitFor(carol.email, /Relationship closed/, 10_000, mails);
      const head = await writtenHead(svc);
      // Amounts and KPIs are exactly what they were (read before the refused sign-ins below count as failed logins).
      expect(await balances(head)).to.deep.equal(before.balances);
      expect((await staffGet(`/audit/accounts/${main}/balance/?min_position=${head}`)).body.status).to.equal('closed');
      expect((await staffGet(`/business/overview/?min_position=${head}`)).body).to.deep.equal(before.overview);

      // Accounts closed for good at zero, cards cancelled.
      const accounts = await staffGet(`/admin/accounts/?owner=${carol.id}&min_position=${head}`);
      expect(accounts.body.results.map((a: { status: string; balance: string }) => [a.status, a.balance])).to.have.deep.members([['closed', '0.000'], ['closed', '0.000']]);
      const cardEvents = (await Promise.all([main, savings].map(async (n) => (await auditStream(svc, staff.access, `account-${n}`)).map((e) => e.type))));
      for (const types of cardEvents) expect(types[types.length - 1]).to.equal('AccountClosed');
      const client = new pg.Client({ connectionString: svc.databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ reason: string }>(`select data->>'reason' as reason from es.events where type = 'CardCancelled' and stream_id like 'card-%'
           and stream_id in (select stream_id from es.events where type = 'CardIssued' and data->>'owner_id' = $1)`, [carol.id]);
        expect(rows.map((r) => r.reason)).to.deep.equal(['customer_closed', 'customer_closed']);
      } finally {
        await client.end();
      }
      // Money can neither enter nor leave a closed account.
      const dep = await svc.api.post(`/admin/accounts/${main}/deposit/`, { amount: '5.000' }, { token: staff.access });
      expect(dep.status).to.equal(422);
      expect(dep.body.code).to.equal('account_closed');
      const toClosed = await svc.api.post('/transfers/external/', { sender_account: bobAccount, receiver_account: main, amount: '1.000' }, { token: bobTokens.access });
      expect(toClosed.status).to.equal(422);

      // She is gone: no login, no refresh, no access token, no user; the email is free again.
      expect((await svc.api.post('/auth/jwt/create/', { email: carol.email, password: DEFAULT_PASSWORD })).status).to.equal(401);
      expect((await svc.api.post('/auth/jwt/refresh/', { refresh: spare.refresh })).status).to.equal(401);
      await new Promise((r) => setTimeout(r, 1_100));
      expect((await svc.api.get('/auth/users/me/', { token: spare.access })).status).to.equal(401);
      expect((await staffGet(`/auth/users/${carol.id}/`)).status).to.equal(404);
      expect((await staffGet(`/auth/users/?email=${carol.email}&min_position=${head}`)).body.results).to.deep.equal([]);

      // Personal data erased through the key erasure; the chains still verify.
      const stream = await auditStream(svc, staff.access, `user-${carol.id}`);
      expect(stream.map((e) => e.type).slice(-2)).to.deep.equal(['CustomerClosed', 'UserErased']);
      expect(stream[0]!.data).to.include({ email: ERASED, first_name: ERASED, last_name: ERASED, country: ERASED, kpi_country: 'Jordan' });
      const verified = await runCli(svc, ['verify']);
      expect(verified.code, verified.stdout + verified.stderr).to.equal(0);
      expect((await staffGet('/audit/verify/')).body.ok).to.equal(true);
      const newcomer = await registerUser(svc, carol.email);
      expect(newcomer.id).to.not.equal(carol.id);
    });
  });
});
