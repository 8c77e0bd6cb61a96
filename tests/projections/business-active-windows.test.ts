import { expect } from 'chai';
import { addDays, daysBetween, monthEnd, monthStart, weekStart } from '../../src/domain/metrics/calendar.js';
import { kpiCountry } from '../../src/domain/users/kpi-country.js';
import { businessProjection, UNKNOWN_COUNTRY } from '../../src/projections/business/business-projection.js';
import { activeWindows, countryTotals, periodTotals, rangeTotals } from '../../src/projections/business/business-queries.js';
import { asNew, projectionBench } from '../unit/cards/support/projection-bench.js';

/** A seeded generator, so a failure can be replayed (the seed is in the test's name). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 20261205;
const START = '2026-01-01';
const SPAN = 100; // days of activity
const USERS = 9;
const COUNTRIES = ['Jordan', 'UAE', 'Egypt', ''];

type Gen = { type: string; data: object; occurred_at: string };

/** Random sign-ups, country changes and sessions, their days in random order (the log is not sorted by day). */
function randomLog(random: () => number): Gen[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const log: Gen[] = [];
  for (let u = 0; u < USERS - 1; u++) log.push({ type: 'UserRegistered', data: { user_id: `u${u}`, email: `u${u}@x.test`, country: pick(COUNTRIES) }, occurred_at: `${START}T00:00:00Z` });
  for (let i = 0; i < 420; i++) {
    const user = `u${Math.floor(random() * USERS)}`; // the last user never registered: "Unknown"
    const day = addDays(START, Math.floor(random() ** 1.5 * SPAN)); // denser early, gaps later
    if (random() < 0.06) log.push({ type: 'ProfileUpdated', data: { country: pick(COUNTRIES) }, occurred_at: `${day}T08:00:00Z`, stream: user } as Gen);
    else log.push({ type: 'SessionStarted', data: { session_id: `s${i}`, user_id: user }, occurred_at: `${day}T${String(Math.floor(random() * 24)).padStart(2, '0')}:00:00Z` });
  }
  return log;
}

/** The active rows the events give, by brute force: (day, user) -> the country the user had at their first session that day, in log order. */
function bruteActive(log: Gen[]): Map<string, { day: string; user: string; country: string }> {
  const country = new Map<string, string>();
  const rows = new Map<string, { day: string; user: string; country: string }>();
  for (const e of log) {
    const d = e.data as Record<string, string>;
    if (e.type === 'UserRegistered') country.set(d.user_id!, kpiCountry(d.country!));
    else if (e.type === 'ProfileUpdated') country.set((e as Gen & { stream: string }).stream, kpiCountry(d.country!));
    else {
      const day = e.occurred_at.slice(0, 10);
      const key = `${day}|${d.user_id}`;
      if (!rows.has(key)) rows.set(key, { day, user: d.user_id!, country: country.get(d.user_id!) || UNKNOWN_COUNTRY });
    }
  }
  return rows;
}

const distinct = (rows: Iterable<{ day: string; user: string }>, from: string, to: string) =>
  new Set([...rows].filter((r) => r.day >= from && r.day <= to).map((r) => r.user)).size;

describe(`business active users against a brute-force count over random events (seed ${SEED})`, function () {
  this.timeout(120_000);
  let bench: Awaited<ReturnType<typeof projectionBench>>;
  const random = rng(SEED);
  const log = randomLog(random);
  const rows = [...bruteActive(log).values()];
  const END = addDays(START, SPAN + 35);
  const sessionsBetween = (from: string, to: string) =>
    log.filter((e) => e.type === 'SessionStarted' && e.occurred_at.slice(0, 10) >= from && e.occurred_at.slice(0, 10) <= to).length;

  before(async () => {
    bench = await projectionBench(businessProjection);
    // Appended in chunks of random size, so batches mix days, users and countries.
    for (let i = 0; i < log.length; ) {
      const n = 1 + Math.floor(random() * 40);
      const chunk = log.slice(i, i + n);
      i += n;
      for (const e of chunk) {
        const stream = e.type === 'SessionStarted' ? `session-${(e.data as { session_id: string }).session_id}` : `user-${(e as Gen & { stream?: string }).stream ?? (e.data as { user_id: string }).user_id}`;
        const event = asNew(e.type, e.data);
        await bench.store.append(stream, [{ ...event, metadata: { ...event.metadata, occurred_at: e.occurred_at } }], 'any');
      }
    }
    bench.runtime.nudge();
    await bench.caughtUp();
  });
  after(async () => {
    await bench?.close();
  });

  const check = async () => {
    expect(rows.length, 'the random log has activity to count').to.be.greaterThan(150);
    // Every day's DAU and trailing windows.
    const windows = await activeWindows(bench.db, { from: addDays(START, -3), to: END });
    expect(windows).to.have.length(daysBetween(addDays(START, -3), END) + 1);
    for (const w of windows) {
      expect(w, w.date).to.deep.equal({
        date: w.date,
        active_users: distinct(rows, w.date, w.date),
        active_users_7d: distinct(rows, addDays(w.date, -6), w.date),
        active_users_30d: distinct(rows, addDays(w.date, -29), w.date),
      });
    }
    // Whole weeks and months, and a range cut inside them.
    for (const [granularity, first, end] of [['week', weekStart, (d: string) => addDays(weekStart(d), 6)], ['month', monthStart, monthEnd]] as const) {
      const periods = await periodTotals(bench.db, granularity, { from: first(START), to: end(END) });
      for (const [start, t] of periods) {
        expect(t.active_users, `${granularity} ${start}`).to.equal(distinct(rows, start, end(start)));
        expect(t.counters.logins, `logins ${granularity} ${start}`).to.equal(sessionsBetween(start, end(start)));
      }
      const cut = { from: addDays(START, 10), to: addDays(START, 50) };
      const partial = await periodTotals(bench.db, granularity, cut);
      for (const [start, t] of partial) {
        const from = start < cut.from ? cut.from : start;
        const to = end(start) > cut.to ? cut.to : end(start);
        expect(t.active_users, `partial ${granularity} ${start}`).to.equal(distinct(rows, from, to));
      }
    }
    // Random ranges: overall and per country (a user counts in each country they were active in).
    for (let i = 0; i < 40; i++) {
      const a = addDays(START, Math.floor(random() * SPAN) - 5);
      const b = addDays(a, Math.floor(random() * 60));
      expect((await rangeTotals(bench.db, { from: a, to: b })).active_users, `${a}..${b}`).to.equal(distinct(rows, a, b));
      const byCountry = await countryTotals(bench.db, { from: a, to: b });
      const countries = new Set(rows.filter((r) => r.day >= a && r.day <= b).map((r) => r.country));
      for (const c of countries) {
        expect(byCountry.get(c)?.active_users, `${c} ${a}..${b}`).to.equal(distinct(rows.filter((r) => r.country === c), a, b));
      }
      for (const [c, t] of byCountry) if (!countries.has(c)) expect(t.active_users, `${c} inactive ${a}..${b}`).to.equal(0);
    }
  };

  it('keeps DAU, 7/30-day windows, weeks, months and any range equal to the distinct users of the events', check);

  it('gives the same after a rebuild from position 0', async () => {
    await bench.db.query('delete from rm.business_active_days; delete from rm.business_active_periods; delete from rm.business_active');
    await bench.runtime.rebuild('business');
    await check();
  });
});
