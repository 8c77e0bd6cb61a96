import { expect } from 'chai';
import { expectConforms } from '../helpers/contract.js';
import { startService, type RunningService } from '../helpers/service.js';
import { createStaff, DEFAULT_PASSWORD, login, registerUser, type TestUser, type Tokens } from '../helpers/users.js';

const CODE_IN_MAIL = /code is (\d{6})/;
const SUBJECT = /Login Verification Code/;
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

/** The console's session cookie and the staff reads the console needs (openapi/console.yaml, openapi/admin.yaml). */
describe('console endpoints (HTTP)', function () {
  this.timeout(180_000);
  let svc: RunningService;
  let staff: TestUser & Tokens;
  let alice: TestUser;
  let aliceTokens: Tokens;

  before(async () => {
    svc = await startService();
    staff = await createStaff(svc, 'ops@example.com');
    alice = await registerUser(svc, 'alice@example.com');
    aliceTokens = await login(svc, alice.email);
  });
  after(async () => {
    await svc?.stop();
  });

  const cookieOf = (setCookie: string | null) => /nexus_console_refresh=([^;]*)/.exec(setCookie ?? '')?.[1] ?? '';
  const withCookie = (value: string) => ({ headers: { cookie: `nexus_console_refresh=${value}` } });

  /** Password step, then /auth/console/login with the mailed code. */
  const consoleLogin = async (email: string) => {
    const before = svc.mail.mails.length;
    expect((await svc.api.post('/auth/login/init/', { email, password: DEFAULT_PASSWORD })).status).to.equal(202);
    const code = CODE_IN_MAIL.exec((await svc.mail.waitFor(email, SUBJECT, 10_000, before)).text)![1]!;
    return svc.api.post('/auth/console/login/', { email, code });
  };

  it('login: the access token in the body, the refresh token only as an httpOnly SameSite=Strict cookie on /auth/console', async () => {
    const res = await consoleLogin(staff.email);
    expectConforms('POST', '/auth/console/login', res);
    expect(res.status).to.equal(200);
    expect(Object.keys(res.body)).to.deep.equal(['access']);
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).to.match(/^nexus_console_refresh=[\w-]+\.[\w-]+\.[\w-]+; Path=\/auth\/console; HttpOnly; SameSite=Strict$/, "no Secure under DEBUG (the tests run with it)");
    expect(res.headers.get('cache-control')).to.equal('no-store');
    const me = await svc.api.get('/auth/users/me/', { token: res.body.access });
    expect(me.body.email).to.equal(staff.email);
  });

  it('a wrong code is the same 401 invalid_code as /auth/login/verify, and sets no cookie', async () => {
    const before = svc.mail.mails.length;
    await svc.api.post('/auth/login/init/', { email: staff.email, password: DEFAULT_PASSWORD });
    await svc.mail.waitFor(staff.email, SUBJECT, 10_000, before);
    const res = await svc.api.post('/auth/console/login/', { email: staff.email, code: '000000' });
    expectConforms('POST', '/auth/console/login', res);
    expect([res.status, res.body.code]).to.deep.equal([401, 'invalid_code']);
    expect(res.headers.get('set-cookie')).to.equal(null);
  });

  it('refresh rotates the cookie; the spent cookie then revokes the session; no cookie is a 401', async () => {
    const first = cookieOf((await consoleLogin(staff.email)).headers.get('set-cookie'));
    const refreshed = await svc.api.post('/auth/console/refresh/', {}, withCookie(first));
    expectConforms('POST', '/auth/console/refresh', refreshed);
    expect(refreshed.status).to.equal(200);
    const second = cookieOf(refreshed.headers.get('set-cookie'));
    expect(second).to.not.equal('').and.not.equal(first);
    expect((await svc.api.get('/auth/users/me/', { token: refreshed.body.access })).status).to.equal(200);

    const reused = await svc.api.post('/auth/console/refresh/', {}, withCookie(first));
    expectConforms('POST', '/auth/console/refresh', reused);
    expect(reused.status).to.equal(401);
    expect(reused.headers.get('set-cookie'), 'a refused cookie is cleared').to.match(/^nexus_console_refresh=; Path=\/auth\/console; Expires=Thu, 01 Jan 1970/);
    expect((await svc.api.post('/auth/console/refresh/', {}, withCookie(second))).status, 'reuse revoked the whole session').to.equal(401);

    const none = await svc.api.post('/auth/console/refresh/', {});
    expectConforms('POST', '/auth/console/refresh', none);
    expect([none.status, none.body.code]).to.deep.equal([401, 'token_not_valid']);
  });

  it('CSRF: a form post (not JSON) is refused with 415 before the cookie is read', async () => {
    const cookie = cookieOf((await consoleLogin(staff.email)).headers.get('set-cookie'));
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      const res = await svc.api.post('/auth/console/refresh/', 'a=b', { headers: { cookie: `nexus_console_refresh=${cookie}`, 'content-type': type } });
      expect(res.status, type).to.equal(415);
      expect(res.headers.get('set-cookie'), type).to.equal(null);
    }
    expect((await svc.api.post('/auth/console/refresh/', {}, withCookie(cookie))).status, 'the cookie still works').to.equal(200);
  });

  it('logout revokes the cookie session (its access token stops working) and clears the cookie', async () => {
    const login1 = await consoleLogin(staff.email);
    const cookie = cookieOf(login1.headers.get('set-cookie'));
    const out = await svc.api.post('/auth/console/logout/', {}, withCookie(cookie));
    expectConforms('POST', '/auth/console/logout', out);
    expect(out.status).to.equal(204);
    expect(out.headers.get('set-cookie')).to.match(/^nexus_console_refresh=; Path=\/auth\/console;/);
    expect((await svc.api.post('/auth/console/refresh/', {}, withCookie(cookie))).status).to.equal(401);
    const deadline = Date.now() + 4_000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      status = (await svc.api.get('/auth/users/me/', { token: login1.body.access })).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).to.equal(401);
    const anonymous = await svc.api.post('/auth/console/logout/', {});
    expect(anonymous.status, 'without a cookie: only cleared').to.equal(204);
  });

  it('GET /admin/users/{id} and its sessions: staff only, newest first, revoked ones with their reason, paged', async () => {
    await login(svc, alice.email);
    const user = await svc.api.get(`/admin/users/${alice.id}/`, { token: staff.access });
    expectConforms('GET', '/admin/users/{id}', user);
    expect(user.body).to.include({ id: alice.id, email: alice.email, is_blocked: false, is_staff: false });
    expect((await svc.api.get(`/admin/users/${alice.id}/`, { token: aliceTokens.access })).status).to.equal(403);
    expect((await svc.api.get(`/admin/users/${UNKNOWN}/`, { token: staff.access })).status).to.equal(404);

    await svc.api.post('/auth/logout/', { refresh: aliceTokens.refresh }, { token: aliceTokens.access });
    // Sessions reach the read model asynchronously (a login answers no position): wait for both, the logout applied.
    const deadline = Date.now() + 10_000;
    const both = async () => {
      const all = (await svc.api.get(`/admin/users/${alice.id}/sessions/`, { token: staff.access })).body.results as { status: string }[];
      return all.length === 2 && all.some((r) => r.status === 'revoked');
    };
    while (!(await both())) {
      expect(Date.now(), 'both sessions in the read model').to.be.below(deadline);
      await new Promise((r) => setTimeout(r, 100));
    }
    const first = await svc.api.get(`/admin/users/${alice.id}/sessions/?limit=1`, { token: staff.access });
    expectConforms('GET', '/admin/users/{id}/sessions', first);
    expect(first.body.results).to.have.length(1);
    expect(first.body.results[0].status).to.equal('active');
    expect(first.body.next_cursor).to.be.a('string');
    const second = await svc.api.get(`/admin/users/${alice.id}/sessions/?limit=1&cursor=${first.body.next_cursor}`, { token: staff.access });
    expect(second.body.results[0]).to.include({ status: 'revoked', revoked_reason: 'logout' });
    expect(second.body.results[0].session_id).to.not.equal(first.body.results[0].session_id);
    expect(second.body.next_cursor).to.equal(null);
    const revoked = await svc.api.get(`/admin/users/${alice.id}/sessions/?status=revoked`, { token: staff.access });
    expectConforms('GET', '/admin/users/{id}/sessions', revoked);
    expect(revoked.body.results.map((r: { session_id: string }) => r.session_id)).to.deep.equal([second.body.results[0].session_id]);
    const active = await svc.api.get(`/admin/users/${alice.id}/sessions/?status=active`, { token: staff.access });
    expect(active.body.results.map((r: { status: string }) => r.status)).to.deep.equal(['active']);
    expect((await svc.api.get(`/admin/users/${alice.id}/sessions/?status=gone`, { token: staff.access })).status).to.equal(400);
    const missing = await svc.api.get(`/admin/users/${UNKNOWN}/sessions/`, { token: staff.access });
    expectConforms('GET', '/admin/users/{id}/sessions', missing);
    expect(missing.status).to.equal(404);
  });

  it("GET /admin/accounts/{n} and its statement: any customer's account for staff, holds included", async () => {
    const owner = await login(svc, alice.email);
    const from = (await svc.api.post('/accounts/', {}, { token: owner.access })).body.account_number as string;
    const to = (await svc.api.post('/accounts/', {}, { token: owner.access })).body.account_number as string;
    expect((await svc.api.post(`/admin/accounts/${from}/deposit/`, { amount: '1000.000' }, { token: staff.access })).status).to.equal(201);
    const held = await svc.api.post('/transfers/internal/', { sender_account: from, receiver_account: to, amount: '600.000' }, { token: owner.access });
    expect(held.status, JSON.stringify(held.body)).to.equal(202);

    const account = await svc.api.get(`/admin/accounts/${from}/?min_position=${held.body.position}`, { token: staff.access });
    expectConforms('GET', '/admin/accounts/{account_number}', account);
    expect(account.body).to.include({ account_number: from, balance: '1000.000' });
    expect(account.body.available_balance).to.not.equal('1000.000');
    expect(account.body.owner.id).to.equal(alice.id);

    const statement = await svc.api.get(`/admin/accounts/${from}/transactions/?limit=1`, { token: staff.access });
    expectConforms('GET', '/admin/accounts/{account_number}/transactions', statement);
    expect(statement.body.results.map((e: { direction: string }) => e.direction)).to.deep.equal(['hold']);
    const older = await svc.api.get(`/admin/accounts/${from}/transactions/?limit=1&cursor=${statement.body.next_cursor}`, { token: staff.access });
    expect(older.body.results.map((e: { kind: string; amount: string }) => [e.kind, e.amount])).to.deep.equal([['deposit', '1000.000']]);

    expect((await svc.api.get(`/admin/accounts/${from}/transactions/`, { token: owner.access })).status).to.equal(403);
    const unknown = await svc.api.get('/admin/accounts/9999999999999/transactions/', { token: staff.access });
    expectConforms('GET', '/admin/accounts/{account_number}/transactions', unknown);
    expect(unknown.status).to.equal(404);
  });
});
