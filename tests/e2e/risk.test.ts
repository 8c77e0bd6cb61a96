import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { openPostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import type { SqlEventStore } from '../../src/eventstore/sql/sql-event-store.js';
import { startService, type RunningService } from '../helpers/service.js';
import { createStaff, login, registerUser, type TestUser, type Tokens } from '../helpers/users.js';
import { asNew } from '../unit/cards/support/projection-bench.js';

describe('risk incidents and KPIs (HTTP)', function () {
  this.timeout(120_000);
  let svc: RunningService;
  let store: SqlEventStore;
  let staff: TestUser & Tokens;
  let customer: Tokens;
  let victim: TestUser;
  let bruteForceId: string;

  before(async () => {
    svc = await startService();
    store = await openPostgresEventStore(svc.databaseUrl, 2);
    staff = await createStaff(svc, 'staff@example.com');
    victim = await registerUser(svc, 'victim@example.com');
    customer = await login(svc, victim.email);
  });
  after(async () => {
    await store?.close();
    await svc?.stop();
  });

  const get = (path: string, token = staff.access) => svc.api.get(path, { token });
  /** Incidents matching `query`, polled until `count` are there (the risk process runs beside the projectors). */
  const incidents = async (query: string, count: number) => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const res = await get(`/risk/incidents?${query}`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      if (res.body.results.length >= count || Date.now() > deadline) return res.body.results as Record<string, any>[];
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('raises brute force from sign-in failures appended to the store', async () => {
    const failures = Array.from({ length: 5 }, (_, i) =>
      asNew('AuthAttemptRecorded', {
        attempt_id: randomUUID(), kind: 'login', outcome: 'failure', user_id: victim.id, email: victim.email, ip: `203.0.113.${10 + i}`,
        country: null, user_agent: 'curl', reason: 'invalid_credentials', occurred_at: new Date().toISOString(),
      }),
    );
    await store.append(`auth-attempts-${victim.id}`, failures, 'any');
    const [found] = await incidents('rule=brute_force', 1);
    expect(found).to.deep.include({ rule: 'brute_force', severity: 'high', status: 'open', user_id: victim.id, ip: '203.0.113.14' });
    expect(found!.evidence).to.deep.include({ email: victim.email, failed_attempts: 5 });
    bruteForceId = found!.id;
  });

  it('raises throttling and bad API key incidents from security hits, never showing the key', async () => {
    const hit = (kind: string, key: string) =>
      asNew('SecurityHitsRecorded', { kind, scope: 'anon', key, ip: '198.51.100.23', count: 40, window_start: new Date(Date.now() - 60_000).toISOString(), window_end: new Date().toISOString() });
    await store.append(`security-hits-${new Date().toISOString().slice(0, 10)}`, [hit('rate_limited', '198.51.100.23'), hit('bad_api_key', 'sk_live_topsecret')], 'any');
    const [throttled] = await incidents('rule=throttled', 1);
    expect(throttled).to.deep.include({ severity: 'medium', ip: '198.51.100.23' });
    const [badKey] = await incidents('rule=bad_api_key', 1);
    expect(badKey!.severity).to.equal('high');
    expect(JSON.stringify(badKey)).to.not.include('topsecret');
  });

  it('filters by severity, status, user, rule and date range, in cursor pages', async () => {
    const high = await incidents('severity=high', 2);
    expect(high.every((i) => i.severity === 'high')).to.equal(true);
    expect((await incidents(`user=${victim.id}`, 1)).map((i) => i.id)).to.deep.equal([bruteForceId]);
    expect(await incidents('severity=medium&rule=brute_force', 0)).to.deep.equal([]);
    expect(await incidents(`date_from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`, 0)).to.deep.equal([]);
    expect((await incidents(`date_to=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`, 3)).length).to.be.at.least(3);
    const page1 = await get('/risk/incidents?limit=1');
    expect(page1.body.results).to.have.length(1);
    const page2 = await get(`/risk/incidents?limit=1&cursor=${page1.body.next_cursor}`);
    expect(page2.body.results).to.have.length(1);
    expect(page2.body.results[0].id).to.not.equal(page1.body.results[0].id);
  });

  it('refuses bad filters (400), customers (403) and anonymous callers (401)', async () => {
    for (const q of ['severity=urgent', 'status=closed', 'user=nope', 'date_from=yesterday', 'limit=1000', 'cursor=zzz', 'rule=DROP%20TABLE']) {
      const res = await get(`/risk/incidents?${q}`);
      expect(res.status, q).to.equal(400);
      expect(res.headers.get('content-type')).to.match(/problem\+json/);
    }
    for (const path of ['/risk/incidents', `/risk/incidents/${bruteForceId}`, '/risk/kpis']) {
      expect((await svc.api.get(path)).status, path).to.equal(401);
      expect((await get(path, customer.access)).status, path).to.equal(403);
    }
    expect((await svc.api.patch(`/risk/incidents/${bruteForceId}`, { status: 'resolved' }, { token: customer.access })).status).to.equal(403);
    expect((await svc.api.patch(`/risk/incidents/${bruteForceId}`, { status: 'resolved' })).status).to.equal(401);
    expect((await get(`/risk/incidents/${bruteForceId}`)).body.status).to.equal('open');
  });

  it('acknowledges then resolves with the staff actor; illegal transitions 409, unknown 404, bad body 400', async () => {
    const path = `/risk/incidents/${bruteForceId}`;
    expect((await svc.api.patch(path, { status: 'closed' }, { token: staff.access })).status).to.equal(400);
    expect((await svc.api.patch(path, { status: 'resolved', note: 'x'.repeat(1001) }, { token: staff.access })).status).to.equal(400);
    expect((await svc.api.patch(path, {}, { token: staff.access })).status).to.equal(400);
    const ack = await svc.api.patch(path, { status: 'acknowledged', note: 'calling the customer' }, { token: staff.access });
    expect(ack.status, JSON.stringify(ack.body)).to.equal(200);
    expect(ack.body.status).to.equal('acknowledged');
    expect(ack.body.acknowledged).to.deep.include({ by: staff.id, note: 'calling the customer' });
    const twice = await svc.api.patch(path, { status: 'acknowledged' }, { token: staff.access });
    expect(twice.status).to.equal(409);
    expect(twice.body.code).to.equal('illegal_transition');
    const resolved = await svc.api.patch(path, { status: 'resolved', note: 'customer confirmed' }, { token: staff.access });
    expect(resolved.status).to.equal(200);
    expect((await svc.api.patch(path, { status: 'resolved' }, { token: staff.access })).status).to.equal(409);
    expect((await svc.api.patch(path, { status: 'acknowledged' }, { token: staff.access })).status).to.equal(409);
    const seen = await get(`${path}?min_position=${resolved.body.position}`);
    expect(seen.body).to.deep.include({ status: 'resolved' });
    expect(seen.body.resolved).to.deep.include({ by: staff.id, note: 'customer confirmed' });
    const unknown = `/risk/incidents/${randomUUID()}`;
    expect((await svc.api.patch(unknown, { status: 'resolved' }, { token: staff.access })).status).to.equal(404);
    expect((await get(unknown)).status).to.equal(404);
    expect((await get('/risk/incidents/not-a-uuid')).status).to.equal(404);
    expect((await get(`/risk/incidents?status=resolved&min_position=${resolved.body.position}`)).body.results.map((i: { id: string }) => i.id)).to.deep.equal([bruteForceId]);
  });

  it('reports KPIs: counts by rule, severity and status, failed sign-ins, attacking IPs', async () => {
    const kpis = await get('/risk/kpis');
    expect(kpis.status).to.equal(200);
    expect(kpis.body.total_incidents).to.be.at.least(3);
    expect(kpis.body.by_rule).to.deep.include({ brute_force: 1, throttled: 1, bad_api_key: 1 });
    expect(kpis.body.by_status.resolved).to.equal(1);
    expect(kpis.body.open_incidents).to.equal(kpis.body.total_incidents - kpis.body.by_status.resolved - kpis.body.by_status.acknowledged);
    expect(kpis.body.failed_logins).to.be.at.least(5);
    // 203.0.113.14 (brute force) and 198.51.100.23 (hits): distinct known IPs.
    expect(kpis.body.unique_attack_ips).to.be.at.least(2);
    const sum = Object.values(kpis.body.by_severity as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(sum).to.equal(kpis.body.total_incidents);
  });
});
