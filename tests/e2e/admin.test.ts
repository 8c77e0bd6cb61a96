import { expect } from 'chai';
import { startService, type RunningService } from '../helpers/service.js';
import { createStaff, login, registerUser, type TestUser, type Tokens } from '../helpers/users.js';

const UNKNOWN_USER = '00000000-0000-4000-8000-000000000000';

describe('admin actions (HTTP)', function () {
  this.timeout(120_000);
  let svc: RunningService;
  let staff: TestUser & Tokens;
  let alice: TestUser;
  let bob: TestUser;
  let bobTokens: Tokens;

  before(async () => {
    svc = await startService();
    staff = await createStaff(svc, 'staff@example.com');
    alice = await registerUser(svc, 'alice@example.com');
    bob = await registerUser(svc, 'bob@example.com');
    bobTokens = await login(svc, bob.email);
  });
  after(async () => {
    await svc?.stop();
  });

  const post = (path: string, token?: string, body: unknown = {}) => svc.api.post(path, body, token ? { token } : {});
  /** Polls until `check` holds (the session check is cached up to 1 s). */
  const eventually = async (check: () => Promise<boolean>, what: string, ms = 4_000) => {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const openAccount = async (token: string) => {
    const res = await svc.api.post('/accounts/', {}, { token });
    expect(res.status).to.equal(201);
    return res.body as { account_number: string; position: string };
  };

  it('answers 401 to anonymous callers and 403 to customers on every admin route, changing nothing', async () => {
    const acc = await openAccount(bobTokens.access);
    const routes = [
      ['post', `/admin/users/${alice.id}/block/`],
      ['post', `/admin/users/${alice.id}/unblock/`],
      ['post', `/admin/users/${alice.id}/terminate-session/`],
      ['post', `/admin/accounts/${acc.account_number}/freeze/`],
      ['post', `/admin/accounts/${acc.account_number}/unfreeze/`],
      ['get', '/admin/accounts/'],
    ] as const;
    for (const [method, path] of routes) {
      const anon = method === 'get' ? await svc.api.get(path) : await post(path);
      expect(anon.status, path).to.equal(401);
      expect(anon.headers.get('content-type')).to.match(/problem\+json/);
      const customer = method === 'get' ? await svc.api.get(path, { token: bobTokens.access }) : await post(path, bobTokens.access);
      expect(customer.status, path).to.equal(403);
    }
    const me = await login(svc, alice.email);
    expect((await svc.api.get('/auth/users/me/', { token: me.access })).status).to.equal(200);
    const bobsView = await svc.api.get(`/accounts/${acc.account_number}/?min_position=${acc.position}`, { token: bobTokens.access });
    expect(bobsView.body.status).to.equal('active');
  });

  it('blocks a user: tokens stop within a second, login fails; 409 twice, 404 unknown, 422 for oneself, 400 bad body', async () => {
    const aliceTokens = await login(svc, alice.email);
    expect((await post(`/admin/users/${alice.id}/block/`, staff.access, { reason: 'x', extra: 1 })).status).to.equal(400);
    const res = await post(`/admin/users/${alice.id}/block/`, staff.access, { reason: 'card fraud report' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.detail).to.equal('User alice@example.com has been blocked.');
    expect(res.body.sessions_revoked).to.be.at.least(1);
    await eventually(async () => (await svc.api.get('/auth/users/me/', { token: aliceTokens.access })).status === 401, 'blocked token refused');
    expect((await svc.api.post('/auth/jwt/create/', { email: alice.email, password: alice.password })).status).to.be.oneOf([400, 401]);
    expect((await svc.api.post('/auth/jwt/refresh/', { refresh: aliceTokens.refresh })).status).to.equal(401);

    const again = await post(`/admin/users/${alice.id}/block/`, staff.access);
    expect(again.status).to.equal(409);
    expect(again.body.code).to.equal('already_blocked');
    expect((await post(`/admin/users/${UNKNOWN_USER}/block/`, staff.access)).status).to.equal(404);
    expect((await post('/admin/users/not-a-uuid/block/', staff.access)).status).to.equal(404);
    const self = await post(`/admin/users/${staff.id}/block/`, staff.access);
    expect(self.status).to.equal(422);
    expect((await svc.api.get('/auth/users/me/', { token: staff.access })).status).to.equal(200);

    // The action is audited with the actor and the IP.
    const audit = await svc.api.get(`/risk/incidents/${res.body.incident_id}/?min_position=${res.body.position}`, { token: staff.access });
    expect(audit.status).to.equal(200);
    expect(audit.body).to.deep.include({ rule: 'admin_action', severity: 'medium', user_id: alice.id });
    expect(audit.body.evidence).to.deep.include({ action: 'BLOCK_USER', target_id: alice.id, performed_by: staff.id, reason: 'card fraud report' });
    expect(audit.body.ip).to.be.a('string');
  });

  it('unblocks: login works again, old tokens stay dead; 409 when already active', async () => {
    const res = await post(`/admin/users/${alice.id}/unblock/`, staff.access);
    expect(res.status).to.equal(200);
    expect(res.body.detail).to.equal('User alice@example.com has been unblocked.');
    const fresh = await login(svc, alice.email);
    expect((await svc.api.get('/auth/users/me/', { token: fresh.access })).status).to.equal(200);
    const again = await post(`/admin/users/${alice.id}/unblock/`, staff.access);
    expect(again.status).to.equal(409);
    expect(again.body.code).to.equal('already_active');
    expect((await post(`/admin/users/${UNKNOWN_USER}/unblock/`, staff.access)).status).to.equal(404);
  });

  it('freezes and unfreezes an account; 409 when already so, 404 unknown or malformed', async () => {
    const acc = await openAccount(bobTokens.access);
    const n = acc.account_number;
    const frozen = await post(`/admin/accounts/${n}/freeze/`, staff.access, { reason: 'chargeback' });
    expect(frozen.status, JSON.stringify(frozen.body)).to.equal(200);
    expect(frozen.body).to.include({ detail: `Account ${n} has been frozen.`, status: 'frozen' });
    const seen = await svc.api.get(`/accounts/${n}/?min_position=${frozen.body.position}`, { token: bobTokens.access });
    expect(seen.body.status).to.equal('frozen');
    const twice = await post(`/admin/accounts/${n}/freeze/`, staff.access);
    expect(twice.status).to.equal(409);
    expect(twice.body.code).to.equal('already_frozen');
    const thawed = await post(`/admin/accounts/${n}/unfreeze/`, staff.access);
    expect(thawed.status).to.equal(200);
    expect(thawed.body.status).to.equal('active');
    expect((await post(`/admin/accounts/${n}/unfreeze/`, staff.access)).status).to.equal(409);
    expect((await post('/admin/accounts/123456789012/freeze/', staff.access)).status).to.equal(404);
    expect((await post('/admin/accounts/12ab/freeze/', staff.access)).status).to.equal(404);
    const audit = await svc.api.get(`/risk/incidents?rule=admin_action&min_position=${thawed.body.position}`, { token: staff.access });
    const actions = audit.body.results.filter((i: { account_number: string }) => i.account_number === n).map((i: { evidence: { action: string } }) => i.evidence.action);
    expect(actions).to.deep.equal(['UNFREEZE_ACCOUNT', 'FREEZE_ACCOUNT']);
  });

  it('terminates every session of a user: refresh refused at once, access within a second', async () => {
    const first = await login(svc, bob.email);
    const second = await login(svc, bob.email);
    const res = await post(`/admin/users/${bob.id}/terminate-session/`, staff.access);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.sessions_revoked).to.be.at.least(3);
    expect(res.body.detail).to.match(/^All sessions terminated for bob@example.com\./);
    expect((await svc.api.post('/auth/jwt/refresh/', { refresh: second.refresh })).status).to.equal(401);
    await eventually(async () => (await svc.api.get('/auth/users/me/', { token: first.access })).status === 401, 'terminated token refused');
    expect((await post(`/admin/users/${UNKNOWN_USER}/terminate-session/`, staff.access)).status).to.equal(404);
    bobTokens = await login(svc, bob.email);
  });

  it('lists every customer account with its owner, newest first, in cursor pages', async () => {
    const latest = await openAccount(bobTokens.access);
    const page1 = await svc.api.get(`/admin/accounts/?limit=1&min_position=${latest.position}`, { token: staff.access });
    expect(page1.status).to.equal(200);
    expect(page1.body.results).to.have.length(1);
    expect(page1.body.results[0]).to.deep.include({ account_number: latest.account_number, status: 'active', balance: '0.000' });
    expect(page1.body.results[0].owner).to.deep.include({ id: bob.id, email: 'bob@example.com', is_blocked: false });
    const page2 = await svc.api.get(`/admin/accounts/?limit=50&cursor=${page1.body.next_cursor}`, { token: staff.access });
    const numbers = page2.body.results.map((a: { account_number: string }) => a.account_number);
    expect(numbers).to.not.include(latest.account_number);
    expect(numbers.length).to.be.at.least(2);
    expect((await svc.api.get('/admin/accounts/?limit=0', { token: staff.access })).status).to.equal(400);
    expect((await svc.api.get('/admin/accounts/?cursor=bogus', { token: staff.access })).status).to.equal(400);
    expect((await svc.api.get('/admin/accounts/?status=deleted', { token: staff.access })).status).to.equal(400);
    const frozenOnly = await svc.api.get('/admin/accounts/?status=frozen', { token: staff.access });
    expect(frozenOnly.body.results).to.deep.equal([]);
  });
});
