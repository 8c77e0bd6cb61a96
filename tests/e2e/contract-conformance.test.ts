import { expect } from 'chai';
import { expectConforms } from '../helpers/contract.js';
import { rawRequest } from '../helpers/raw-http.js';
import { startService, writtenHead, type RunningService } from '../helpers/service.js';
import { DEFAULT_PASSWORD, login, registerUser, type Tokens } from '../helpers/users.js';

// The service trusts the loopback proxy, so each case picks its client address with X-Forwarded-For.
const ENV = {
  TRUST_PROXY: 'loopback',
  RATE_LIMITS_ENABLED: 'true',
  RATE_LIMIT_ANON_PER_MINUTE: '50',
  RATE_LIMIT_USER_PER_MINUTE: '100',
  RATE_LIMIT_LOGIN_PER_MINUTE: '3',
  LOCKOUT_PAIR_FAILURE_LIMIT: '2',
  RISK_BLACKLISTED_IPS: '203.0.113.64/28',
};

const from = (ip: string, extra: Record<string, string> = {}) => ({ headers: { 'x-forwarded-for': ip, ...extra } });

/**
 * The service's answers, refusals included, match the bundled contract:
 * status documented for the operation, body valid against its schema,
 * declared headers sent.
 */
describe('answers conform to the contract (HTTP, validated with ajv against openapi.json)', function () {
  this.timeout(120_000);
  let svc: RunningService;
  let alice: Tokens;
  const email = 'conform@example.com';

  before(async () => {
    svc = await startService(ENV);
    await registerUser(svc, email);
    alice = await login(svc, email);
  });
  after(async () => {
    await svc?.stop();
  });

  it('login and refresh: 200 token pairs that no cache may keep', async () => {
    const created = await svc.api.post('/auth/jwt/create/', { email, password: DEFAULT_PASSWORD }, from('198.51.100.1'));
    expectConforms('POST', '/auth/jwt/create', created);
    expect(created.headers.get('cache-control')).to.equal('no-store');
    expect(created.headers.get('pragma')).to.equal('no-cache');
    const refreshed = await svc.api.post('/auth/jwt/refresh/', { refresh: created.body.refresh });
    expectConforms('POST', '/auth/jwt/refresh', refreshed);
    expect(refreshed.headers.get('cache-control')).to.equal('no-store');
    const refused = await svc.api.post('/auth/jwt/refresh/', { refresh: created.body.refresh });
    expect(refused.status).to.equal(401);
    expectConforms('POST', '/auth/jwt/refresh', refused);
    expect(refused.headers.get('cache-control'), 'refusals of /auth too').to.equal('no-store');
    expectConforms('GET', '/auth/users/me', await svc.api.get('/auth/users/me/', { token: alice.access }));
  });

  it('login: 423 login_locked with Retry-After once an address has failed too often for the email', async () => {
    const ip = '198.51.100.2';
    for (let i = 0; i < 2; i++) expect((await svc.api.post('/auth/jwt/create/', { email, password: 'wrong-password' }, from(ip))).status).to.equal(401);
    const locked = await svc.api.post('/auth/jwt/create/', { email, password: DEFAULT_PASSWORD }, from(ip));
    expect(locked.status).to.equal(423);
    expectConforms('POST', '/auth/jwt/create', locked);
  });

  it('login: 429 rate_limited with Retry-After past the per-address-and-email limit', async () => {
    const ip = '198.51.100.3';
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await svc.api.post('/auth/jwt/create/', { email: 'nobody@example.com', password: 'whatever-pass' }, from(ip));
      statuses.push(res.status);
      expectConforms('POST', '/auth/jwt/create', res);
    }
    // The third is already locked out (two failures for the pair); the fourth is over the limit.
    expect(statuses).to.deep.equal([401, 401, 423, 429]);
  });

  it('login: 413 for a body over 16 KiB and 415 for a body that is not JSON', async () => {
    const big = await svc.api.post('/auth/jwt/create/', undefined, { raw: JSON.stringify({ email, password: 'x'.repeat(20_000) }), ...from('198.51.100.4') });
    expect(big.status).to.equal(413);
    expectConforms('POST', '/auth/jwt/create', big);
    const form = await svc.api.post('/auth/jwt/create/', undefined, { raw: `email=${email}`, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '198.51.100.4' } });
    expect(form.status).to.equal(415);
    expectConforms('POST', '/auth/jwt/create', form);
  });

  it('GET: a body sent anyway is not read (no 413 or 400 on an operation that takes none)', async () => {
    const port = Number(new URL(svc.baseUrl).port);
    for (const body of [JSON.stringify({ pad: 'x'.repeat(20_000) }), '{"broken":']) {
      const answer = await rawRequest(port, `GET /accounts HTTP/1.1\r\nHost: bank\r\nAuthorization: Bearer ${alice.access}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      expect(answer.status, answer.body).to.equal(200);
      expectConforms('GET', '/accounts', { ...answer, body: JSON.parse(answer.body) });
    }
  });

  it('403 ip_blacklisted on any operation from a refused address', async () => {
    const res = await svc.api.post('/auth/jwt/create/', { email, password: DEFAULT_PASSWORD }, from('203.0.113.70'));
    expect(res.status).to.equal(403);
    expectConforms('POST', '/auth/jwt/create', res);
  });

  it('accounts: the 201 of POST /accounts (with position) and the account it shows', async () => {
    const opened = await svc.api.post('/accounts/', { currency: 'USD' }, { token: alice.access });
    expect(opened.status).to.equal(201);
    expectConforms('POST', '/accounts', opened);
    expect(opened.body.position).to.match(/^\d+$/);
    const shown = await svc.api.get(`/accounts/${opened.body.account_number}/?min_position=${opened.body.position}`, { token: alice.access });
    expectConforms('GET', '/accounts/{account_number}', shown);
    expectConforms('GET', '/accounts', await svc.api.get('/accounts/', { token: alice.access }));
  });

  it('GET with a min_position the read models do not reach in 5 s: 503 read_model_behind with Retry-After', async () => {
    const ahead = BigInt(await writtenHead(svc)) + 1_000_000n;
    const res = await svc.api.get(`/accounts/?min_position=${ahead}`, { token: alice.access });
    expect(res.status).to.equal(503);
    expectConforms('GET', '/accounts', res);
  });

  it('refusals before the body: 401 anonymous, 403 without the role, 400 for a bad cursor', async () => {
    expectConforms('POST', '/transfers/internal', await svc.api.post('/transfers/internal/', {}));
    expectConforms('POST', '/admin/accounts/{account_number}/deposit', await svc.api.post('/admin/accounts/000000000000/deposit/', {}, { token: alice.access }));
    expectConforms('GET', '/notifications', await svc.api.get('/notifications/?cursor=cDo5MjIzMzcyMDM2ODU0Nzc1ODA4', { token: alice.access }));
  });

  it('a path in other letter case is the same operation (Express routes ignore case): validated, keyed and labelled like it', async () => {
    const body = { sender_account: '100000000001', receiver_account: '100000000002', amount: '1.0001', extra: true };
    const res = await svc.api.post('/TRANSFERS/Internal/', body, { token: alice.access });
    expect(res.status, JSON.stringify(res.body)).to.equal(400);
    expect(res.body.code).to.equal('validation_error');
    expectConforms('POST', '/transfers/internal', res);
  });
});
