import { expect } from 'chai';
import { storedEvents } from '../helpers/audit.js';
import { startService, type RunningService } from '../helpers/service.js';
import { createStaff, DEFAULT_PASSWORD, login, registerUser, type TestUser, type Tokens } from '../helpers/users.js';

// The service trusts the loopback proxy, so each test picks its client address with X-Forwarded-For.
const ENV = {
  DEBUG: 'false',
  TRUST_PROXY: 'loopback',
  RATE_LIMITS_ENABLED: 'true',
  RATE_LIMIT_ANON_PER_MINUTE: '25',
  RATE_LIMIT_USER_PER_MINUTE: '30',
  RATE_LIMIT_LOGIN_PER_MINUTE: '4',
  RATE_LIMIT_PASSWORD_RESET_PER_HOUR: '2',
  AXES_FAILURE_LIMIT: '6',
  LOCKOUT_PAIR_FAILURE_LIMIT: '3',
  RISK_ALLOWED_API_KEYS: 'good-key-0123456789',
  RISK_BLACKLISTED_IPS: '203.0.113.64/28,2001:db8:bad::1',
  SECURITY_HITS_FLUSH_SECONDS: '1',
  CORS_ORIGINS: 'https://app.example',
};

const from = (ip: string, extra: Record<string, string> = {}) => ({ headers: { 'x-forwarded-for': ip, 'user-agent': 'sec-test/1.0', ...extra } });

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('security (end to end)', function () {
  this.timeout(120_000);
  let svc: RunningService;
  let staff: TestUser & Tokens;
  let alice: TestUser;

  // Opened as the audit views do: stored events have their personal fields (emails, IPs) encrypted.
  const events = (type: string) => storedEvents(svc, type);
  const loginFrom = (ip: string, email: string, password: string) => svc.api.post('/auth/jwt/create/', { email, password }, from(ip));
  const logins = (query: string) => svc.api.get(`/risk/logins/?${query}`, { token: staff.access });

  before(async () => {
    svc = await startService(ENV);
    staff = await createStaff(svc, 'sec-staff@example.com');
    alice = await registerUser(svc, 'alice-sec@example.com');
  });
  after(async () => {
    await svc?.stop();
  });

  describe('lockouts', () => {
    it('locks the email+IP pair: the correct password is refused 423 with Retry-After, recorded as locked', async () => {
      const ip = '198.51.100.10';
      for (let i = 0; i < 3; i++) expect((await loginFrom(ip, alice.email, 'wrong-password-1')).status).to.equal(401);
      const locked = await loginFrom(ip, alice.email, DEFAULT_PASSWORD);
      expect(locked.status).to.equal(423);
      expect(locked.headers.get('content-type')).to.match(/application\/problem\+json/);
      expect(locked.body.code).to.equal('login_locked');
      expect(Number(locked.headers.get('retry-after'))).to.be.within(1, 3600);
      // Alice from elsewhere is not affected.
      expect((await loginFrom('198.51.100.11', alice.email, DEFAULT_PASSWORD)).status).to.equal(200);
      const rows = await eventually(() => logins(`ip=${ip}`), (r) => r.body.results?.length === 4, 'four attempts from the IP');
      expect(rows.body.results.map((r: { outcome: string }) => r.outcome)).to.deep.equal(['locked', 'failure', 'failure', 'failure']);
      expect(rows.body.results[0]).to.include({ user_id: alice.id, attempted_email: alice.email, successful: false, failure_reason: 'email_ip_locked', user_agent: 'sec-test/1.0' });
    });

    it('locks the IP across emails until a staff member unlocks it (recorded with the staff actor)', async () => {
      const ip = '198.51.100.20';
      for (const email of ['n1@example.com', 'n2@example.com', 'n3@example.com', 'n4@example.com', 'n5@example.com', 'n6@example.com']) {
        expect((await loginFrom(ip, email, 'whatever-pass')).status).to.equal(401);
      }
      const locked = await loginFrom(ip, alice.email, DEFAULT_PASSWORD);
      expect(locked.status).to.equal(423);
      expect((await svc.api.post('/risk/axes/unlock-ip/', { ip }, { token: (await login(svc, alice.email)).access })).status).to.equal(403);
      expect((await svc.api.post('/risk/axes/unlock-ip/', { ip: 'not-an-ip' }, { token: staff.access })).status).to.equal(400);
      const unlocked = await svc.api.post('/risk/axes/unlock-ip/', { ip }, { token: staff.access });
      expect(unlocked.status).to.equal(200);
      expect(unlocked.body.detail).to.equal(`Lockouts cleared for IP ${ip}.`);
      const cleared = (await events('LockoutCleared')).filter((e) => e.stream_id === `lockout-ip-${ip}`);
      expect(cleared).to.have.length(1);
      expect(cleared[0]!.data).to.include({ reason: 'unlock', cleared_by: staff.id });
      expect((cleared[0]!.metadata.actor as { user_id: string; role: string }).role).to.equal('staff');
      expect((await loginFrom(ip, alice.email, DEFAULT_PASSWORD)).status).to.equal(200);
    });

    // Their own staff user: the shared one's per-user rate budget belongs to the tests after these.
    let lockStaff: TestUser & Tokens;
    before(async () => {
      lockStaff = await createStaff(svc, 'sec-lock-staff@example.com');
    });

    it('lists the IPs and pairs locked now (staff), and an IP unlock lifts the IP and its pairs from the list', async () => {
      const ip = '198.51.100.50';
      const locks = (query: string) => svc.api.get(`/risk/axes/locks/?${query}`, { token: lockStaff.access });
      for (let i = 0; i < 3; i++) expect((await loginFrom(ip, alice.email, 'wrong-password-2')).status).to.equal(401);
      const pair = await eventually(() => locks(`scope=pair&ip=${ip}`), (r) => r.body.results?.[0]?.email === alice.email, 'the pair lock listed');
      expect(pair.status).to.equal(200);
      expect(pair.body.results).to.have.length(1);
      expect(pair.body.results[0]).to.include({ scope: 'pair', ip, email: alice.email, user_id: alice.id, failures: 3 });
      expect(Date.parse(pair.body.results[0].locked_until)).to.be.greaterThan(Date.now());
      expect((await locks(`scope=ip&ip=${ip}`)).body.results).to.deep.equal([]);
      // Three more emails make six failures from the IP: the IP itself locks.
      for (const email of ['m1@example.com', 'm2@example.com', 'm3@example.com']) expect((await loginFrom(ip, email, 'whatever-pass')).status).to.equal(401);
      const both = await eventually(() => locks(`ip=${ip}`), (r) => r.body.results?.length === 2, 'the IP lock listed');
      expect(both.body.results.map((l: { scope: string }) => l.scope)).to.deep.equal(['ip', 'pair']);
      expect(both.body.results[0]).to.include({ scope: 'ip', ip, email: null, user_id: null, failures: 6 });
      // Pages of one: the cursor leads to the older lock.
      const first = await locks(`ip=${ip}&limit=1`);
      expect(first.body.results[0].scope).to.equal('ip');
      const second = await locks(`ip=${ip}&limit=1&cursor=${first.body.next_cursor}`);
      expect(second.body.results[0].scope).to.equal('pair');
      expect(second.body.next_cursor).to.equal(null);

      expect((await svc.api.get('/risk/axes/locks/', { token: (await login(svc, alice.email)).access })).status).to.equal(403);
      expect((await locks('scope=everything')).status).to.equal(400);
      expect((await locks('ip=not-an-ip')).status).to.equal(400);

      expect((await svc.api.post('/risk/axes/unlock-ip/', { ip }, { token: lockStaff.access })).status).to.equal(200);
      await eventually(() => locks(`ip=${ip}`), (r) => r.body.results?.length === 0, 'no lock left for the IP');
    });

    it('unlocks one email from one IP (staff; recorded with the staff actor)', async () => {
      const ip = '198.51.100.60';
      for (let i = 0; i < 3; i++) expect((await loginFrom(ip, alice.email, 'wrong-password-3')).status).to.equal(401);
      // (A fourth attempt would prove the lock, but a fifth would pass the login rate limit: the list shows it.)
      await eventually(() => svc.api.get(`/risk/axes/locks/?ip=${ip}`, { token: lockStaff.access }), (r) => r.body.results?.[0]?.scope === 'pair', 'the pair listed');
      const unlock = (body: object, token = lockStaff.access) => svc.api.post('/risk/axes/unlock-pair/', body, { token });
      expect((await unlock({ email: alice.email, ip }, (await login(svc, alice.email)).access)).status).to.equal(403);
      expect((await unlock({ email: '', ip })).status).to.equal(400);
      expect((await unlock({ email: alice.email, ip: 'nope' })).status).to.equal(400);
      const done = await unlock({ email: ` ${alice.email.toUpperCase()} `, ip });
      expect(done.status, JSON.stringify(done.body)).to.equal(200);
      expect(done.body).to.include({ email: alice.email, ip, detail: `Lockout cleared for ${alice.email} from IP ${ip}.` });
      const cleared = (await events('LockoutCleared')).filter((e) => e.data.reason === 'unlock' && e.stream_id.startsWith('lockout-pair-'));
      expect(cleared).to.have.length(1);
      expect(cleared[0]!.data).to.include({ cleared_by: lockStaff.id });
      expect((await loginFrom(ip, alice.email, DEFAULT_PASSWORD)).status).to.equal(200);
      await eventually(() => svc.api.get(`/risk/axes/locks/?ip=${ip}`, { token: lockStaff.access }), (r) => r.body.results?.length === 0, 'the pair no longer listed');
    });
  });

  describe('rate limits', () => {
    it('limits logins per IP and email before the password check: 429 problem with Retry-After', async () => {
      const ip = '198.51.100.30';
      for (let i = 0; i < 2; i++) expect((await loginFrom(ip, 'limited@example.com', 'x-password')).status).to.equal(401);
      for (let i = 0; i < 2; i++) expect((await loginFrom(ip, alice.email, DEFAULT_PASSWORD)).status).to.equal(200);
      expect((await loginFrom(ip, 'limited@example.com', 'x-password')).status).to.equal(401);
      // Two more for the same pair pass the limit (4/min): the fifth is refused.
      await loginFrom(ip, 'limited@example.com', 'x-password');
      const limited = await loginFrom(ip, 'limited@example.com', 'x-password');
      expect(limited.status).to.equal(429);
      expect(limited.body.code).to.equal('rate_limited');
      expect(Number(limited.headers.get('retry-after'))).to.be.within(1, 60);
      // The refused attempt was not a login attempt: no AuthAttemptRecorded for it (4 recorded for the pair).
      const recorded = (await events('AuthAttemptRecorded')).filter((e) => e.data.ip === ip && e.data.email === 'limited@example.com');
      expect(recorded).to.have.length(4);
    });

    it('limits anonymous calls per client IP; another IP is unaffected', async () => {
      const ip = '198.51.100.40';
      for (let i = 0; i < 25; i++) expect((await svc.api.get('/accounts', from(ip))).status).to.equal(401);
      const limited = await svc.api.get('/accounts', from(ip));
      expect(limited.status).to.equal(429);
      expect(limited.body.scope).to.equal('anon');
      expect((await svc.api.get('/accounts', from('198.51.100.41'))).status).to.equal(401);
    });

    it('limits each authenticated user', async () => {
      const bob = await registerUser(svc, 'bob-sec@example.com');
      const tokens = await login(svc, bob.email);
      let status = 0;
      for (let i = 0; i < 31 && status !== 429; i++) status = (await svc.api.get('/auth/users/me/', { token: tokens.access })).status;
      expect(status).to.equal(429);
      expect((await svc.api.get('/auth/users/me/', { token: staff.access })).status).to.equal(200);
    });

    it('limits password reset requests per IP', async () => {
      const ip = '198.51.100.50';
      const reset = () => svc.api.post('/auth/users/reset_password/', { email: alice.email }, from(ip));
      expect((await reset()).status).to.equal(204);
      expect((await reset()).status).to.equal(204);
      expect((await reset()).status).to.equal(429);
    });

    it('records throttling as aggregated SecurityHitsRecorded, one per scope and key', async () => {
      const hits = await eventually(async () => (await events('SecurityHitsRecorded')).map((e) => e.data),
        (h) => h.some((d) => d.scope === 'anon') && h.some((d) => d.scope === 'password_reset'), 'rate-limit hits');
      const anon = hits.filter((d) => d.kind === 'rate_limited' && d.scope === 'anon' && d.key === '198.51.100.40');
      expect(anon.reduce((n, d) => n + (d.count as number), 0)).to.equal(1);
      expect(hits.some((d) => d.scope === 'login' && d.key === '198.51.100.30|limited@example.com')).to.equal(true);
    });
  });

  describe('blacklisted IPs and API keys', () => {
    it('refuses blacklisted IPs before routing (even /health and unknown paths) and counts them in one event', async () => {
      for (const path of ['/health', '/accounts', '/no/such/route']) {
        const res = await svc.api.get(path, from('203.0.113.70'));
        expect(res.status, path).to.equal(403);
        expect(res.body.code).to.equal('ip_blacklisted');
      }
      expect((await svc.api.get('/health', from('2001:db8:bad::1'))).status).to.equal(403);
      expect((await svc.api.get('/health', from('203.0.113.80'))).status).to.equal(200);
      const hits = await eventually(async () => (await events('SecurityHitsRecorded')).map((e) => e.data).filter((d) => d.kind === 'blacklisted_ip'),
        (h) => h.reduce((n, d) => n + (d.key === '203.0.113.70' ? (d.count as number) : 0), 0) === 3, 'blacklist hits');
      expect(hits.filter((d) => d.key === '203.0.113.70').length).to.be.at.most(2); // aggregated, not one event per request
    });

    it('refuses an unknown X-API-Key (403, recorded redacted) and lets an allowed one through', async () => {
      const bad = await svc.api.get('/health', { headers: { 'x-api-key': 'stolen-key-abcdefgh' } });
      expect(bad.status).to.equal(403);
      expect(bad.body.code).to.equal('api_key_refused');
      expect((await svc.api.get('/health', { headers: { 'x-api-key': 'good-key-0123456789' } })).status).to.equal(200);
      const hits = await eventually(async () => (await events('SecurityHitsRecorded')).map((e) => e.data).filter((d) => d.kind === 'bad_api_key'),
        (h) => h.length > 0, 'api key hit');
      expect(hits[0]).to.include({ key: 'stol***efgh', count: 1 });
      expect(JSON.stringify(hits)).to.not.include('stolen-key-abcdefgh');
    });
  });

  describe('login events', () => {
    it('records logins, refreshes and logouts with IP, country and user agent; lists them with filters and pages (staff only)', async () => {
      const gb = '81.2.69.142';
      const ok = await loginFrom(gb, alice.email, DEFAULT_PASSWORD);
      expect(ok.status).to.equal(200);
      expect((await svc.api.post('/auth/jwt/refresh/', { refresh: ok.body.refresh }, from(gb))).status).to.equal(200);
      expect((await svc.api.post('/auth/jwt/refresh/', { refresh: 'garbage.token.here' }, from(gb))).status).to.equal(401);
      expect((await svc.api.post('/auth/logout/', {}, { token: ok.body.access, ...from(gb) })).status).to.equal(200);

      const all = await eventually(() => logins(`ip=${gb}`), (r) => r.body.results?.length === 4, 'four attempts from GB');
      expect(all.body.results.map((r: { kind: string; outcome: string }) => `${r.kind}:${r.outcome}`))
        .to.deep.equal(['logout:success', 'refresh:failure', 'refresh:success', 'login:success']);
      for (const r of all.body.results) expect(r.country).to.equal('GB');
      expect(all.body.results[3]).to.include({ user_id: alice.id, attempted_email: alice.email, successful: true, user_agent: 'sec-test/1.0' });
      expect(all.body.results[1]).to.include({ user_id: null, successful: false });

      expect((await logins(`ip=${gb}&success=false`)).body.results).to.have.length(1);
      expect((await logins('country=gb&kind=login')).body.results).to.have.length(1);
      const mine = (await logins(`user_id=${alice.id}&limit=200`)).body.results;
      expect(mine.length).to.be.greaterThan(5);
      for (const r of mine) expect(r.user_id).to.equal(alice.id);
      const today = new Date().toISOString().slice(0, 10);
      expect((await logins(`ip=${gb}&from=${today}&to=${today}`)).body.results).to.have.length(4);
      expect((await logins(`ip=${gb}&to=2000-01-01`)).body.results).to.have.length(0);
      expect((await logins('from=yesterday')).status).to.equal(400);

      const page1 = await logins(`ip=${gb}&limit=3`);
      expect(page1.body.results).to.have.length(3);
      const page2 = await logins(`ip=${gb}&limit=3&cursor=${page1.body.next_cursor}`);
      expect(page2.body.results.map((r: { id: string }) => r.id)).to.deep.equal([all.body.results[3].id]);
      expect(page2.body.next_cursor).to.equal(null);

      expect((await svc.api.get('/risk/logins/', { token: ok.body.access })).status).to.be.oneOf([401, 403]);
      const customer = await login(svc, alice.email);
      expect((await svc.api.get('/risk/logins/', { token: customer.access })).status).to.equal(403);
      expect((await svc.api.get('/risk/logins/')).status).to.equal(401);
    });

    it('takes the client address from the right of X-Forwarded-For (the hop the trusted proxy saw), not the client-written left', async () => {
      await loginFrom('192.0.2.1, 198.51.100.99', 'chain@example.com', 'x-password');
      const rows = await eventually(() => logins('ip=198.51.100.99'), (r) => r.body.results?.length === 1, 'rightmost hop recorded');
      expect(rows.body.results[0].attempted_email).to.equal('chain@example.com');
    });
  });

  describe('headers and transport', () => {
    it('sends helmet headers with HSTS when DEBUG is off, and CORS only for configured origins', async () => {
      const res = await svc.api.get('/health', { headers: { origin: 'https://app.example' } });
      expect(res.headers.get('strict-transport-security')).to.equal('max-age=31536000; includeSubDomains; preload');
      expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(res.headers.get('x-frame-options')).to.equal('DENY');
      expect(res.headers.get('referrer-policy')).to.equal('strict-origin-when-cross-origin');
      expect(res.headers.get('x-powered-by')).to.equal(null);
      expect(res.headers.get('access-control-allow-origin')).to.equal('https://app.example');
      const other = await svc.api.get('/health', { headers: { origin: 'https://evil.example' } });
      expect(other.headers.get('access-control-allow-origin')).to.equal(null);
      const preflight = await svc.api.request('OPTIONS', '/accounts', undefined, { headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
      expect(preflight.status).to.equal(204);
      expect(preflight.headers.get('access-control-allow-headers')).to.include('Idempotency-Key');
    });

    it('answers an oversized body 413 problem+json', async () => {
      const res = await svc.api.post('/auth/jwt/create/', undefined, { raw: JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(20_000) }) });
      expect(res.status).to.equal(413);
      expect(res.body.code).to.equal('payload_too_large');
    });
  });
});
