import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { bankSteps, startBank, type BankFixture } from '../helpers/bank.js';
import { expectConforms } from '../helpers/contract.js';
import { startService, type RunningService } from '../helpers/service.js';

/** The value of one sample line of a Prometheus text exposition (undefined when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('observability: request ids, /metrics, /health/live and /health/ready (HTTP)', function () {
  this.timeout(120_000);
  let bank: BankFixture;
  let svc: RunningService;

  before(async () => {
    // The service's peer is 127.0.0.1: trusting loopback makes the test a trusted proxy.
    bank = await startBank({ TRUST_PROXY: 'loopback' });
    svc = bank.svc;
  });
  after(async () => {
    await svc?.stop();
  });

  it('gives every response an X-Request-Id, and every problem body the same request_id', async () => {
    const ok = await svc.api.get('/accounts', { token: bank.alice.access });
    expect(ok.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
    const refused = await svc.api.get('/accounts');
    expect(refused.status).to.equal(401);
    const id = refused.headers.get('x-request-id');
    expect(id).to.match(/^[0-9a-f-]{36}$/).and.not.equal(ok.headers.get('x-request-id'));
    expect(refused.body.request_id).to.equal(id);
    expectConforms('GET', '/accounts', refused);
    const missing = await svc.api.get('/no/such/route');
    expect(missing.body.request_id).to.equal(missing.headers.get('x-request-id'));
  });

  it("keeps a trusted proxy's X-Request-Id when it is a safe token, and makes a new one otherwise", async () => {
    const kept = await svc.api.get('/health', { headers: { 'x-request-id': 'lb-7f3a.42:1' } });
    expect(kept.headers.get('x-request-id')).to.equal('lb-7f3a.42:1');
    const unsafe = await svc.api.get('/health', { headers: { 'x-request-id': 'a b"c' } });
    expect(unsafe.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
  });

  it('serves live and ready probes with lag in events and seconds, and no business figure on /health', async () => {
    const health = await svc.api.get('/health');
    expectConforms('GET', '/health', health);
    expect(health.body).to.deep.equal({ status: 'ok', event_store: 'postgres' });
    const live = await svc.api.get('/health/live');
    expectConforms('GET', '/health/live', live);
    expect(live.body).to.deep.equal({ status: 'ok' });
    const ready = await svc.api.get('/health/ready');
    expectConforms('GET', '/health/ready', ready);
    expect(ready.status).to.equal(200);
    expect(ready.body.status).to.equal('ready');
    expect(ready.body.read_models.lag_events).to.be.a('number');
    expect(ready.body.read_models.lag_seconds).to.be.a('number');
  });

  it('counts requests by contract path, commands by outcome, appends, lag and idempotency replays in /metrics', async () => {
    const steps = bankSteps(bank);
    const a = await steps.open(bank.alice.access);
    const key = randomUUID();
    const body = { amount: '5' };
    const first = await svc.api.post(`/admin/accounts/${a}/deposit/`, body, { token: bank.staff.access, headers: { 'Idempotency-Key': key } });
    expect(first.status).to.equal(201);
    const before = await svc.api.get('/metrics');
    expect(before.status).to.equal(200);
    expect(before.headers.get('content-type')).to.match(/^text\/plain/);
    const replaysBefore = sample(before.body, 'idempotency_replays_total') ?? 0;
    const again = await svc.api.post(`/admin/accounts/${a}/deposit/`, body, { token: bank.staff.access, headers: { 'Idempotency-Key': key } });
    expect(again.status).to.equal(201);
    await svc.api.post('/accounts/', { currency: 'XXX' }, { token: bank.alice.access });
    const text = (await svc.api.get('/metrics')).body as string;
    expect(sample(text, 'idempotency_replays_total')).to.equal(replaysBefore + 1);
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/accounts', status: '401' })).to.be.at.least(1);
    expect(sample(text, 'commands_total', { route: 'POST /accounts', outcome: 'ok' })).to.be.at.least(1);
    expect(sample(text, 'commands_total', { route: 'POST /accounts', outcome: 'refused' })).to.be.at.least(1);
    expect(sample(text, 'commands_total', { route: 'POST /admin/accounts/{account_number}/deposit', outcome: 'ok' })).to.be.at.least(2);
    expect(sample(text, 'eventstore_append_duration_seconds_count')).to.be.greaterThan(0);
    expect(sample(text, 'eventstore_append_batch_appends_count')).to.be.greaterThan(0);
    expect(sample(text, 'projection_lag_events', { projection: 'accounts' })).to.be.a('number');
    expect(sample(text, 'projection_lag_seconds', { projection: 'accounts' })).to.be.a('number');
    // Ids never become labels: no series names an account number.
    expect(text).to.not.include(a);
  });
});

describe('/metrics behind METRICS_TOKEN, and readiness that follows the read models (HTTP)', function () {
  this.timeout(120_000);
  let svc: RunningService;
  const token = 'metrics-token-0123456789abcdef-0123456789';

  before(async () => {
    // No projector anywhere: the read models stay where they are while commands are written.
    // A keep-alive timeout as a service behind an AWS ALB (60 s idle) would be given.
    svc = await startService({ METRICS_TOKEN: token, PROJECTOR_IN_PROCESS: 'false', READY_MAX_LAG_EVENTS: '0', HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: '65' });
  });
  after(async () => {
    await svc?.stop();
  });

  it('keeps idle connections open as long as HTTP_KEEP_ALIVE_TIMEOUT_SECONDS says, and tells the client', async () => {
    const res = await svc.api.get('/health');
    expect(res.status).to.equal(200);
    expect(res.headers.get('keep-alive')).to.equal('timeout=65');
  });

  it('asks for the token: 401 without, 403 with another, 200 with it', async () => {
    const none = await svc.api.get('/metrics');
    expect(none.status).to.equal(401);
    expectConforms('GET', '/metrics', none);
    const wrong = await svc.api.get('/metrics', { token: 'not-the-token' });
    expect(wrong.status).to.equal(403);
    const right = await svc.api.get('/metrics', { token });
    expect(right.status).to.equal(200);
    expect(right.body).to.include('http_request_duration_seconds_bucket');
  });

  it('answers not ready (503, Retry-After) once the read models fall behind the configured lag', async () => {
    const register = await svc.api.post('/auth/users/', { email: `lag-${randomUUID()}@example.com`, password: 'Corr3ct-horse-battery' });
    expect(register.status, JSON.stringify(register.body)).to.equal(201);
    // The readers' horizon (the head the lag is measured to) passes the registration once no older write transaction on the server is open.
    let ready = await svc.api.get('/health/ready');
    for (const deadline = Date.now() + 15_000; ready.status === 200 && Date.now() < deadline; ready = await svc.api.get('/health/ready')) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expectConforms('GET', '/health/ready', ready);
    expect(ready.status, JSON.stringify(ready.body)).to.equal(503);
    expect(ready.headers.get('retry-after')).to.equal('5');
    expect(ready.body.status).to.equal('not_ready');
    expect(ready.body.database).to.equal('ok');
    expect(ready.body.read_models.lag_events).to.be.greaterThan(0);
  });
});
