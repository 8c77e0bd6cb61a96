import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { loginEventsPage } from '../../src/projections/logins/login-queries.js';
import { loginsProjection } from '../../src/projections/logins/logins-projection.js';
import { projectionBench } from '../unit/cards/support/projection-bench.js';

const attempt = (over: Record<string, unknown>) => ({
  type: 'AuthAttemptRecorded',
  data: { attempt_id: randomUUID(), kind: 'login', outcome: 'failure', user_id: null, email: 'x@y.io', ip: '10.0.0.1', country: null, user_agent: 'ua', reason: 'invalid_credentials', occurred_at: '2025-03-01T10:00:00.000Z', ...over },
});

describe('logins projection (PostgreSQL)', function () {
  this.timeout(60_000);
  let bench: Awaited<ReturnType<typeof projectionBench>>;
  const ids = async (filter: Parameters<typeof loginEventsPage>[1]) => (await loginEventsPage(bench.db, filter)).map((r) => r.email);

  before(async () => {
    bench = await projectionBench(loginsProjection);
    const same = attempt({ email: 'dup@y.io' });
    await bench.append('auth-attempts-u1', [attempt({ user_id: 'u1', email: 'a1@y.io', outcome: 'success', reason: null, country: 'GB', ip: '81.2.69.142', occurred_at: '2025-03-01T09:00:00.000Z' })]);
    await bench.append('auth-attempts-u1', [attempt({ user_id: 'u1', email: 'a2@y.io', occurred_at: '2025-03-02T09:00:00.000Z' })]);
    await bench.append('auth-attempts-anon-x', [attempt({ email: 'a3@y.io', outcome: 'locked', ip: '10.0.0.2', occurred_at: '2025-03-03T09:00:00.000Z' })]);
    await bench.append('auth-attempts-u2', [attempt({ user_id: 'u2', email: 'a4@y.io', kind: 'refresh', outcome: 'success', reason: null, occurred_at: '2025-03-04T09:00:00.000Z' })]);
    await bench.append('auth-attempts-anon-y', [same, same, attempt({ attempt_id: 'not-a-uuid', email: 'bad@y.io' })]);
  });
  after(async () => {
    await bench?.close();
  });

  it('keeps one row per attempt (replays and malformed events ignored), newest first', async () => {
    expect(await ids({ limit: 50 })).to.deep.equal(['dup@y.io', 'a4@y.io', 'a3@y.io', 'a2@y.io', 'a1@y.io']);
  });

  it('filters by user, ip, country, success, kind and date range', async () => {
    expect(await ids({ limit: 50, user_id: 'u1' })).to.deep.equal(['a2@y.io', 'a1@y.io']);
    expect(await ids({ limit: 50, ip: '10.0.0.2' })).to.deep.equal(['a3@y.io']);
    expect(await ids({ limit: 50, country: 'gb' })).to.deep.equal(['a1@y.io']);
    expect(await ids({ limit: 50, successful: true })).to.deep.equal(['a4@y.io', 'a1@y.io']);
    expect(await ids({ limit: 50, kind: 'refresh' })).to.deep.equal(['a4@y.io']);
    expect(await ids({ limit: 50, from: '2025-03-02T00:00:00Z', to: '2025-03-04T00:00:00Z' })).to.deep.equal(['a3@y.io', 'a2@y.io']);
  });

  it('bounds a date filter by the positions of its UTC days, an attempt recorded late (older time, newer position) included', async () => {
    // dup@ (the newest position) happened on 03-01, before a2 to a4.
    expect(await ids({ limit: 50, from: '2025-03-01T00:00:00Z', to: '2025-03-02T00:00:00Z' })).to.deep.equal(['dup@y.io', 'a1@y.io']);
    expect(await ids({ limit: 50, to: '2025-03-02T00:00:00Z' }), 'a bound at midnight takes nothing of its day').to.deep.equal(['dup@y.io', 'a1@y.io']);
    expect(await ids({ limit: 50, from: '2025-03-01T09:30:00Z', to: '2025-03-03T09:00:00Z' })).to.deep.equal(['dup@y.io', 'a2@y.io']);
    expect(await ids({ limit: 50, from: '2025-03-04T00:00:00Z' })).to.deep.equal(['a4@y.io']);
    expect(await ids({ limit: 50, from: '2026-01-01T00:00:00Z' }), 'no day in range').to.deep.equal([]);
    const days = await bench.db.query<{ day: string; n: string }>(
      `select d.day::text as day, count(l.*)::text as n from rm.login_days d join rm.login_events l on l.position between d.min_position and d.max_position group by 1 order by 1`,
    );
    expect(days).to.deep.equal([{ day: '2025-03-01', n: '5' }, { day: '2025-03-02', n: '1' }, { day: '2025-03-03', n: '1' }, { day: '2025-03-04', n: '1' }]);
  });

  it('pages by position', async () => {
    const first = await loginEventsPage(bench.db, { limit: 2 });
    expect(first).to.have.length(3); // limit + 1 tells that more follow
    const next = await loginEventsPage(bench.db, { limit: 2, before: BigInt(first[1]!.position) });
    expect(next.map((r) => r.email)).to.deep.equal(['a3@y.io', 'a2@y.io', 'a1@y.io']);
  });
});
