import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { openPostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import type { SqlEventStore } from '../../src/eventstore/sql/sql-event-store.js';
import { startService, writtenHead, type RunningService } from '../helpers/service.js';
import { createStaff, login, registerUser, type Tokens } from '../helpers/users.js';
import { asNew } from '../unit/cards/support/projection-bench.js';

/** The original's query parameters: business date_from/date_to, week, month; incidents and accounts ordering. */
describe('query parameters of the original (HTTP)', function () {
  this.timeout(120_000);
  let svc: RunningService;
  let store: SqlEventStore;
  let staff: Tokens;
  let alice: Tokens;
  let today: string;
  let monday: string;

  const get = (path: string, token = staff.access) => svc.api.get(path, { token });
  const expectProblem = async (path: string, code: string, field?: string, token = staff.access) => {
    const res = await get(path, token);
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).to.equal(400);
    expect(res.headers.get('content-type')).to.match(/application\/problem\+json/);
    expect(res.body.code, path).to.equal(code);
    if (field) expect(JSON.stringify(res.body), path).to.include(field);
  };

  before(async () => {
    svc = await startService();
    store = await openPostgresEventStore(svc.databaseUrl, 2);
    today = new Date().toISOString().slice(0, 10);
    const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7;
    monday = new Date(Date.parse(`${today}T00:00:00Z`) - weekday * 86_400_000).toISOString().slice(0, 10);
    staff = await createStaff(svc, 'boss@example.com');
    await registerUser(svc, 'alice@example.com');
    alice = await login(svc, 'alice@example.com');
    const amounts: Array<[Record<string, string>, string]> = [[{ type: 'Basic' }, '5.000'], [{ type: 'Savings' }, '700.000'], [{ type: 'Savings' }, '40.000']];
    for (const [body, amount] of amounts) {
      const opened = await svc.api.post('/accounts/', body, { token: alice.access });
      expect(opened.status).to.equal(201);
      const dep = await svc.api.post(`/admin/accounts/${opened.body.account_number}/deposit/`, { amount }, { token: staff.access });
      expect(dep.status, JSON.stringify(dep.body)).to.equal(201);
    }
  });
  after(async () => {
    await store?.close();
    await svc?.stop();
  });

  describe('business', () => {
    it('takes date_from/date_to as from/to, and refuses both spellings at once or bad dates', async () => {
      const head = await writtenHead(svc);
      const plain = await get(`/business/daily/?from=${today}&to=${today}&min_position=${head}`);
      const original = await get(`/business/daily/?date_from=${today}&date_to=${today}`);
      expect(original.status).to.equal(200);
      expect(original.body).to.deep.equal(plain.body);
      expect(original.body.results).to.have.length(1);
      expect(original.body.results[0].deposits_count).to.equal(3);
      const lower = await get(`/business/currencies/?date_from=${today}`);
      expect(lower.status).to.equal(200);
      expect(lower.body.from).to.equal(today);
      await expectProblem(`/business/daily/?from=${today}&date_from=${today}`, 'invalid_range', 'date_from');
      await expectProblem('/business/daily/?date_from=2026-02-30', 'invalid_date', 'date_from');
      await expectProblem('/business/weekly/?date_to=yesterday', 'invalid_date', 'date_to');
      await expectProblem(`/business/overview/?date_from=${today}`, 'invalid_range', 'date_from');
    });

    it('gives one week for week=<a Monday> and refuses any other day', async () => {
      const res = await get(`/business/weekly/?week=${monday}`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.results).to.have.length(1);
      expect(res.body.results[0]).to.include({ week_start: monday, deposits_count: 3 });
      expect(res.body).to.include({ from: monday });
      const tuesday = new Date(Date.parse(`${monday}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      await expectProblem(`/business/weekly/?week=${tuesday}`, 'invalid_week', 'week');
      await expectProblem('/business/weekly/?week=monday', 'invalid_week', 'week');
      await expectProblem(`/business/weekly/?week=${monday}&from=${monday}`, 'invalid_range', 'from');
      await expectProblem(`/business/daily/?week=${monday}`, 'invalid_range', 'week');
    });

    it('gives one month for month=YYYY-MM (or a day of it) and refuses anything else', async () => {
      const month = today.slice(0, 7);
      for (const value of [month, today]) {
        const res = await get(`/business/monthly/?month=${value}`);
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        expect(res.body.results).to.have.length(1);
        expect(res.body.results[0]).to.include({ month, deposits_count: 3 });
      }
      const empty = await get('/business/monthly/?month=2025-02');
      expect(empty.body.results).to.have.length(1);
      expect(empty.body.results[0]).to.include({ month: '2025-02', deposits_count: 0 });
      for (const bad of ['2026-13', '2026-1', 'January', '2026-02-30']) await expectProblem(`/business/monthly/?month=${bad}`, 'invalid_month', 'month');
      await expectProblem(`/business/weekly/?month=${month}`, 'invalid_range', 'month');
      await expectProblem(`/business/monthly/?month=${month}&date_to=${today}`, 'invalid_range', 'to');
    });
  });

  describe('risk incidents ordering', () => {
    const RANK: Record<string, number> = { low: 1, medium: 2, high: 3, critical: 4 };
    const all = async (ordering: string, limit: number) => {
      const seen: Array<Record<string, any>> = [];
      let cursor: string | null = null;
      do {
        const res = await get(`/risk/incidents/?ordering=${ordering}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        seen.push(...res.body.results);
        cursor = res.body.next_cursor;
      } while (cursor);
      return seen;
    };

    before(async () => {
      const now = Date.now();
      const hit = (kind: string, key: string, ip: string) =>
        asNew('SecurityHitsRecorded', { kind, scope: 'anon', key, ip, count: 40, window_start: new Date(now - 60_000).toISOString(), window_end: new Date(now).toISOString() });
      const failures = Array.from({ length: 5 }, (_, i) =>
        asNew('AuthAttemptRecorded', {
          attempt_id: randomUUID(), kind: 'login', outcome: 'failure', user_id: null, email: 'ghost@example.com', ip: `203.0.113.${10 + i}`,
          country: null, user_agent: 'curl', reason: 'invalid_credentials', occurred_at: new Date().toISOString(),
        }),
      );
      await store.append(`security-hits-${today}`, [hit('rate_limited', '198.51.100.23', '198.51.100.23'), hit('bad_api_key', 'sk_x', '198.51.100.24')], 'any');
      await store.append(`security-hits-${today}`, [hit('rate_limited', '198.51.100.25', '198.51.100.25')], 'any');
      await store.append(`auth-attempts-ghost`, failures, 'any');
      const deadline = Date.now() + 15_000;
      while ((await get('/risk/incidents/?limit=200')).body.results.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    });

    it('sorts by severity rank both ways (newest first within one), in cursor pages that match one page', async () => {
      const down = await all('-severity', 200);
      expect(down.length).to.be.at.least(4);
      const severities = new Set(down.map((i) => i.severity));
      expect(severities.size, JSON.stringify([...severities])).to.be.at.least(2);
      for (let i = 1; i < down.length; i++) {
        const [a, b] = [down[i - 1]!, down[i]!];
        expect(RANK[a.severity]! >= RANK[b.severity]!, `${a.severity} before ${b.severity}`).to.equal(true);
        if (a.severity === b.severity) expect(a.raised_at >= b.raised_at).to.equal(true);
      }
      expect((await all('-severity', 1)).map((i) => i.id)).to.deep.equal(down.map((i) => i.id));
      const up = await all('severity', 1);
      expect(up.map((i) => i.severity)).to.deep.equal([...down.map((i) => i.severity)].sort((a, b) => RANK[a]! - RANK[b]!));
      expect(up).to.have.length(down.length);
    });

    it('sorts by timestamp both ways, in cursor pages', async () => {
      const newest = await all('-timestamp', 200);
      const times = newest.map((i) => i.raised_at as string);
      expect(times).to.deep.equal([...times].sort().reverse());
      expect((await all('-timestamp', 1)).map((i) => i.id)).to.deep.equal(newest.map((i) => i.id));
      expect((await all('timestamp', 2)).map((i) => i.id)).to.deep.equal([...newest].reverse().map((i) => i.id));
    });

    it('refuses an unknown ordering with a 400 problem', async () => {
      for (const bad of ['created', 'SEVERITY', '--timestamp', 'timestamp,severity']) {
        await expectProblem(`/risk/incidents/?ordering=${bad}`, 'validation_error', 'ordering');
      }
    });
  });

  describe('accounts type and ordering', () => {
    it('filters by type and orders by balance or creation, both ways', async () => {
      const balances = (res: { body: { results: Array<{ balance: string }> } }) => res.body.results.map((a) => a.balance);
      await get(`/accounts/?min_position=${await writtenHead(svc)}`, alice.access);
      expect(balances(await get('/accounts/?ordering=balance', alice.access))).to.deep.equal(['5.000', '40.000', '700.000']);
      expect(balances(await get('/accounts/?ordering=-balance', alice.access))).to.deep.equal(['700.000', '40.000', '5.000']);
      expect(balances(await get('/accounts/?ordering=created_at', alice.access))).to.deep.equal(['5.000', '700.000', '40.000']);
      expect(balances(await get('/accounts/', alice.access))).to.deep.equal(['40.000', '700.000', '5.000']);
      const savings = await get('/accounts/?type=Savings&ordering=-balance', alice.access);
      expect(savings.body.results.map((a: { type: string }) => a.type)).to.deep.equal(['Savings', 'Savings']);
      expect(balances(savings)).to.deep.equal(['700.000', '40.000']);
      expect((await get('/accounts/?type=USD', alice.access)).body).to.deep.equal({ results: [], next_cursor: null });
    });

    it('refuses an unknown type or ordering with a 400 problem', async () => {
      await expectProblem('/accounts/?type=Gold', 'validation_error', 'type', alice.access);
      await expectProblem('/accounts/?type=savings', 'validation_error', 'type', alice.access);
      await expectProblem('/accounts/?ordering=amount', 'validation_error', 'ordering', alice.access);
      await expectProblem('/accounts/?ordering=balance&ordering=-balance', 'validation_error', 'ordering', alice.access);
    });
  });
});
