import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import { expectNoneIn } from '../helpers/audit.js';
import { startService, writtenHead, type RunningService } from '../helpers/service.js';
import { createStaff, DEFAULT_PASSWORD, login, registerUser, type TestUser, type Tokens } from '../helpers/users.js';

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
      const { instance: _a, ...otherProblem } = other.body;
      const { instance: _b, ...unknownProblem } = unknown.body;
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
});
