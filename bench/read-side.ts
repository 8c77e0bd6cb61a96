/**
 * The read side at volume: every /business/* query over a year of KPIs (25 and
 * 100 active users a day) and every /risk/* query over 1,000,000 incidents and
 * a year of sign-ins (filtered by date too), timed over HTTP against the real
 * service (p50 and p99 of BENCH_REPEAT calls each, after a warm-up), target
 * p99 < 20 ms, with the CPU each call cost the service and its PostgreSQL
 * backends (steadier than latency on a shared machine). Each
 * endpoint's SQL (recorded from the same query functions the route calls) is
 * printed with its EXPLAIN ANALYZE. The queries the read model answered
 * before its counters (distinct active users per day and trailing window,
 * running totals per day, incident groups and distinct IPs by scan) are kept
 * here only, timed in the same run on the same rows as the baseline, and
 * their answers checked equal to the new ones.
 *
 *   npm run bench:read-side
 *   BENCH_INCIDENTS=200000 BENCH_REPEAT=50 npm run bench:read-side
 *   BENCH_EXPLAIN=0 npm run bench:read-side       # figures only
 *
 * The rows go straight into the read model's tables (bench/lib/read-side-data.ts).
 * Needs PostgreSQL as the tests do.
 */
import { loadavg } from 'node:os';
import pg from 'pg';
import { addDays } from '../src/domain/metrics/calendar.js';
import type { Counter, MoneyMetric } from '../src/domain/metrics/kpis.js';
import type { Currency } from '../src/domain/money/currency.js';
import type { Queryable } from '../src/infra/db.js';
import { activeWindows, countryTotals, cumulativeAt, cumulativeByCountry, periodTotals, rangeTotals } from '../src/projections/business/business-queries.js';
import { periodResults } from '../src/projections/business/period-results.js';
import { loginEventsPage } from '../src/projections/logins/login-queries.js';
import { findIncident, listIncidents, riskKpis } from '../src/projections/risk/incident-queries.js';
import { startService } from '../tests/helpers/service.js';
import { createStaff } from '../tests/helpers/users.js';
import { CpuMeter } from './lib/cpu.js';
import { positiveInt } from './lib/env.js';
import { buildBusinessYear, buildIncidents, userId } from './lib/read-side-data.js';
import { summarize } from './lib/stats.js';
import { fmtMs, fmtRatio, printTable } from './lib/table.js';

const INCIDENTS = positiveInt('BENCH_INCIDENTS', 1_000_000);
const REPEAT = positiveInt('BENCH_REPEAT', 100);
/** The old queries take seconds each: fewer calls. */
const BASELINE_REPEAT = positiveInt('BENCH_BASELINE_REPEAT', 5);
const baselineTime = (call: () => Promise<unknown>) => timeIt(call, BASELINE_REPEAT, 1);
const EXPLAIN = process.env.BENCH_EXPLAIN !== '0';
const SCENARIOS = [25, 100];
const TARGET_P99_MS = 20;
const END = '2026-11-30';
const FROM = addDays(END, -364);
const BASE = 1_000_000_000;
const POPULATION = 400;

/** A Queryable over the pool that records each statement it runs (to EXPLAIN them afterwards). */
function recording(db: pg.Pool): Queryable & { taken: { text: string; params: readonly unknown[] }[] } {
  const taken: { text: string; params: readonly unknown[] }[] = [];
  return {
    taken,
    async query<R>(text: string, params: readonly unknown[] = []) {
      taken.push({ text, params });
      return (await db.query(text, params as unknown[])).rows as R[];
    },
    run() {
      throw new Error('not used by the read queries');
    },
  };
}

async function timeIt(call: () => Promise<unknown>, repeat = REPEAT, warmup = 5): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < warmup; i++) await call();
  const samples: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    await call();
    samples.push(performance.now() - t);
  }
  const s = summarize(samples);
  return { p50: s.p50, p99: s.p99 };
}

// The read model's queries before its counters, kept here only as the baseline.
const OLD = {
  activeWindows: (db: pg.Pool, from: string, to: string) =>
    db.query(
      `with days as (select g::date as d from generate_series($1::date, $2::date, interval '1 day') g),
            seen as (select day, user_id from rm.business_active where day between $3::date and $2::date)
       select days.d::text as date,
              (select count(*) from seen where seen.day = days.d)::int as active_users,
              (select count(distinct user_id) from seen where seen.day between days.d - 6 and days.d)::int as active_users_7d,
              (select count(distinct user_id) from seen where seen.day between days.d - 29 and days.d)::int as active_users_30d
         from days order by days.d`,
      [from, to, addDays(from, -29)],
    ),
  /** Counters, money and distinct active users per day, month or country, summed over the rows of every country and day. */
  totals: (db: pg.Pool, by: 'day' | 'month' | 'country', from: string, to: string) => {
    const key = by === 'country' ? 'country' : `date_trunc('${by}', day::timestamp)::date::text`;
    const where = `where day between $1::date and $2::date`;
    return Promise.all([
      db.query(`select ${key} as key, metric, sum(value)::text as value from rm.business_counts ${where} group by 1, 2`, [from, to]),
      db.query(`select ${key} as key, metric, currency, sum(count)::text as count, sum(amount)::text as amount from rm.business_money ${where} group by 1, 2, 3`, [from, to]),
      db.query(`select ${key} as key, count(distinct user_id)::int as users from rm.business_active ${where} group by 1 order by 1`, [from, to]),
    ]);
  },
  cumulativeAt: (db: pg.Pool, days: string[]) =>
    db.query(
      `select d::date::text as day, (select coalesce(sum(value), 0) from rm.business_counts c where c.metric = 'new_users' and c.day <= d::date)::int as value
         from unnest($1::date[]) d`,
      [days],
    ),
  riskGroups: (db: pg.Pool) => db.query(`select rule, severity, status, count(*)::int as n from rm.incidents group by rule, severity, status order by 1, 2, 3`),
  riskIps: (db: pg.Pool) =>
    db.query(`select count(distinct ip)::int as n from rm.incidents where ip is not null and rule <> 'admin_action' and severity in ('medium', 'high', 'critical')`),
};

const svc = await startService();
const db = new pg.Pool({ connectionString: svc.databaseUrl, max: 4 });
// CPU per call of the service and of its PostgreSQL backends: steadier than latency on a shared machine.
const meter = await CpuMeter.open(svc.databaseUrl);
const figures: string[][] = [];
const baseline: string[][] = [];
const explains: string[] = [];
let failed = false;
try {
  const staff = await createStaff(svc, 'bench-read-side@example.com');
  const get = async (path: string) => {
    const res = await fetch(`${svc.baseUrl}${path}`, { headers: { authorization: `Bearer ${staff.access}` } });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.slice(0, 300)}`);
    return JSON.parse(body) as { next_cursor?: string | null; results?: { id?: string }[] };
  };

  let t = Date.now();
  await buildIncidents(db, END, INCIDENTS, BASE, POPULATION);
  console.log(`${INCIDENTS.toLocaleString('en-US')} incidents and a year of sign-ins written in ${((Date.now() - t) / 1000).toFixed(0)} s`);

  type Probe = { label: string; path: string; sql: (q: Queryable) => Promise<unknown> };
  const measure = async (scenario: string, probes: Probe[]) => {
    for (const p of probes) {
      for (let i = 0; i < 5; i++) await get(p.path);
      const cpuFrom = await meter.snapshot(svc.pids());
      const { p50, p99 } = await timeIt(() => get(p.path), REPEAT, 0);
      const cpu = CpuMeter.delta(cpuFrom, await meter.snapshot(svc.pids()));
      if (p99 >= TARGET_P99_MS) failed = true;
      figures.push([scenario, p.label, fmtMs(p50), fmtMs(p99), String(TARGET_P99_MS), p99 < TARGET_P99_MS ? 'yes' : 'NO',
        fmtMs((cpu.processSeconds * 1000) / REPEAT), cpu.pgMeasured ? fmtMs((cpu.pgSeconds * 1000) / REPEAT) : '-', loadavg()[0]!.toFixed(1)]);
      console.log(figures[figures.length - 1]!.join('  '));
      if (!EXPLAIN) continue;
      const rec = recording(db);
      await p.sql(rec);
      for (const s of rec.taken) {
        const plan = await db.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${s.text}`, s.params as unknown[]);
        explains.push(`--- ${scenario} ${p.label}\n${s.text.replace(/\s+/g, ' ')}\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
      }
    }
  };

  // Risk: the same for both scenarios (it reads incidents and sign-ins only).
  const someId = (await get('/risk/incidents')).results![0]!.id!;
  // A cursor halfway down the list (the row at the middle position), as a deep page's would be.
  const middle = BigInt(BASE + Math.floor(INCIDENTS / 2));
  const deep = Buffer.from(`p:${middle}`).toString('base64url');
  const week = { from: `${addDays(END, -100)}T00:00:00Z`, to: `${addDays(END, -93)}T00:00:00Z` };
  const hour = { from: `${addDays(END, -100)}T13:00:00Z`, to: `${addDays(END, -100)}T14:00:00Z` };
  // What any request costs on this machine now: the floor under every figure below.
  const floor = await timeIt(async () => {
    const res = await fetch(`${svc.baseUrl}/health`);
    await res.text();
  });
  figures.push(['-', 'GET /health (floor)', fmtMs(floor.p50), fmtMs(floor.p99), '', '', '', '', loadavg()[0]!.toFixed(1)]);
  console.log(figures[0]!.join('  '));
  await measure('risk', [
    { label: 'GET /risk/kpis', path: '/risk/kpis', sql: (q) => riskKpis(q) },
    { label: 'GET /risk/incidents', path: '/risk/incidents', sql: (q) => listIncidents(q, {}, 50, undefined) },
    { label: '  ?status=open&severity=critical', path: '/risk/incidents?status=open&severity=critical', sql: (q) => listIncidents(q, { status: 'open', severity: 'critical' }, 50, undefined) },
    { label: '  ?rule=velocity', path: '/risk/incidents?rule=velocity', sql: (q) => listIncidents(q, { rule: 'velocity' }, 50, undefined) },
    { label: '  ?user={id}', path: `/risk/incidents?user=${userId(17)}`, sql: (q) => listIncidents(q, { user_id: userId(17) }, 50, undefined) },
    { label: '  ?country=EG&status=resolved', path: '/risk/incidents?country=EG&status=resolved', sql: (q) => listIncidents(q, { country: 'EG', status: 'resolved' }, 50, undefined) },
    { label: '  ?date_from&date_to (a week)', path: `/risk/incidents?date_from=${week.from}&date_to=${week.to}`, sql: (q) => listIncidents(q, week, 50, undefined) },
    { label: '  ?ordering=timestamp', path: '/risk/incidents?ordering=timestamp', sql: (q) => listIncidents(q, {}, 50, undefined, 'timestamp') },
    { label: '  ?ordering=timestamp, halfway', path: `/risk/incidents?ordering=timestamp&cursor=${deep}`, sql: (q) => listIncidents(q, {}, 50, middle, 'timestamp') },
    { label: '  newest first, halfway', path: `/risk/incidents?cursor=${deep}`, sql: (q) => listIncidents(q, {}, 50, middle) },
    { label: '  ?ordering=-timestamp', path: '/risk/incidents?ordering=-timestamp', sql: (q) => listIncidents(q, {}, 50, undefined, '-timestamp') },
    { label: '  ?ordering=severity', path: '/risk/incidents?ordering=severity', sql: (q) => listIncidents(q, {}, 50, undefined, 'severity') },
    { label: '  ?ordering=-severity', path: '/risk/incidents?ordering=-severity', sql: (q) => listIncidents(q, {}, 50, undefined, '-severity') },
    { label: '  ?ordering=-severity, halfway', path: `/risk/incidents?ordering=-severity&cursor=${deep}`, sql: (q) => listIncidents(q, {}, 50, middle, '-severity') },
    { label: 'GET /risk/incidents/{id}', path: `/risk/incidents/${someId}`, sql: (q) => findIncident(q, someId) },
    { label: 'GET /risk/logins', path: '/risk/logins', sql: (q) => loginEventsPage(q, { limit: 50 }) },
    { label: '  ?user_id={id}', path: `/risk/logins?user_id=${userId(17)}`, sql: (q) => loginEventsPage(q, { limit: 50, user_id: userId(17) }) },
    { label: '  ?success=false&country=EG', path: '/risk/logins?success=false&country=EG', sql: (q) => loginEventsPage(q, { limit: 50, successful: false, country: 'EG' }) },
    { label: '  ?from&to (a week)', path: `/risk/logins?from=${week.from}&to=${week.to}`, sql: (q) => loginEventsPage(q, { limit: 50, ...week }) },
    { label: '  ?from&to (an hour)', path: `/risk/logins?from=${hour.from}&to=${hour.to}`, sql: (q) => loginEventsPage(q, { limit: 50, ...hour }) },
    { label: '  ?from={date}&to={date} (a day)', path: `/risk/logins?from=${addDays(END, -200)}&to=${addDays(END, -200)}`, sql: (q) => loginEventsPage(q, { limit: 50, from: `${addDays(END, -200)}T00:00:00.000Z`, to: `${addDays(END, -199)}T00:00:00.000Z` }) },
    { label: '  ?from (the last day)', path: `/risk/logins?from=${END}`, sql: (q) => loginEventsPage(q, { limit: 50, from: `${END}T00:00:00.000Z` }) },
    { label: '  ?to (before the first day)', path: `/risk/logins?to=${addDays(END, -400)}`, sql: (q) => loginEventsPage(q, { limit: 50, to: `${addDays(END, -399)}T00:00:00.000Z` }) },
    { label: '  ?success=false&country=EG, a week', path: `/risk/logins?success=false&country=EG&from=${week.from}&to=${week.to}`, sql: (q) => loginEventsPage(q, { limit: 50, successful: false, country: 'EG', ...week }) },
    { label: '  ?user_id={id}, a week', path: `/risk/logins?user_id=${userId(17)}&from=${week.from}&to=${week.to}`, sql: (q) => loginEventsPage(q, { limit: 50, user_id: userId(17), ...week }) },
    { label: '  ?country=US, a week (none)', path: `/risk/logins?country=US&from=${week.from}&to=${week.to}`, sql: (q) => loginEventsPage(q, { limit: 50, country: 'US', ...week }) },
  ]);
  const oldGroups = await baselineTime(() => OLD.riskGroups(db));
  const oldIps = await baselineTime(() => OLD.riskIps(db));
  const newKpis = await baselineTime(() => riskKpis(recording(db)));
  baseline.push(['risk', 'KPI groups + distinct attack IPs (scan)', fmtMs(oldGroups.p50 + oldIps.p50), fmtMs(oldGroups.p99 + oldIps.p99), fmtMs(newKpis.p50), fmtMs(newKpis.p99), fmtRatio((oldGroups.p50 + oldIps.p50) / newKpis.p50)]);
  const kpis = await riskKpis(recording(db));
  const groups = (await OLD.riskGroups(db)).rows as { n: number }[];
  const ips = ((await OLD.riskIps(db)).rows[0] as { n: number }).n;
  const same = kpis.total_incidents === groups.reduce((a, g) => a + g.n, 0) && kpis.unique_attack_ips === ips;
  console.log(`risk KPIs equal to the scan: ${same ? 'yes' : 'NO'} (${kpis.total_incidents} incidents, ${kpis.unique_attack_ips} attack IPs)`);
  if (!same) failed = true;
  // The date filter bounded by incident_days finds the same rows as the filter alone, at the range's ends too.
  const weekPage = async (from: string, to: string) =>
    JSON.stringify((await listIncidents(recording(db), { from, to }, 200, undefined)).map((r) => r.position)) ===
    JSON.stringify(
      (await db.query<{ p: string }>(`select position::text as p from rm.incidents where raised_at >= $1::timestamptz and raised_at < $2::timestamptz order by position desc limit 201`, [from, to])).rows.map((r) => r.p),
    );
  const sameWeek = (await weekPage(week.from, week.to)) && (await weekPage(`${addDays(END, -100)}T13:30:00Z`, `${addDays(END, -100)}T14:30:00Z`));
  // The same for sign-ins bounded by login_days.
  const loginPage = async (from: string, to: string) =>
    JSON.stringify((await loginEventsPage(recording(db), { limit: 200, from, to })).map((r) => r.position)) ===
    JSON.stringify(
      (await db.query<{ p: string }>(`select position::text as p from rm.login_events where occurred_at >= $1::timestamptz and occurred_at < $2::timestamptz order by position desc limit 201`, [from, to])).rows.map((r) => r.p),
    );
  const sameLogins = (await loginPage(week.from, week.to)) && (await loginPage(hour.from, hour.to)) && (await loginPage(`${END}T00:00:00Z`, `${addDays(END, 1)}T00:00:00Z`));
  console.log(`risk date-filtered pages equal to the filter alone: incidents ${sameWeek ? 'yes' : 'NO'}, sign-ins ${sameLogins ? 'yes' : 'NO'}`);
  if (!sameWeek || !sameLogins) failed = true;

  for (const perDay of SCENARIOS) {
    t = Date.now();
    await buildBusinessYear(db, END, perDay);
    const scenario = `${perDay}/day`;
    console.log(`a year of business KPIs at ${perDay} active users a day written in ${((Date.now() - t) / 1000).toFixed(0)} s`);
    const year = { from: FROM, to: END };
    const q = `from=${FROM}&to=${END}`;
    await measure(scenario, [
      { label: 'GET /business/daily (a year)', path: `/business/daily?${q}`, sql: (d) => periodResults(d, 'day', year) },
      { label: 'GET /business/weekly (a year)', path: `/business/weekly?${q}`, sql: (d) => periodResults(d, 'week', { from: '2025-12-01', to: '2026-11-29' }) },
      { label: 'GET /business/monthly (a year)', path: `/business/monthly?${q}`, sql: (d) => periodResults(d, 'month', { from: '2025-12-01', to: '2026-11-30' }) },
      { label: 'GET /business/countries (a year)', path: `/business/countries?${q}`, sql: (d) => Promise.all([countryTotals(d, year), cumulativeByCountry(d, 'new_users', END)]) },
      { label: 'GET /business/currencies (a year)', path: `/business/currencies?${q}`, sql: (d) => rangeTotals(d, year) },
      { label: 'GET /business/active (a year)', path: `/business/active?${q}`, sql: (d) => activeWindows(d, year) },
      { label: 'GET /business/overview', path: `/business/overview?date=${END}`, sql: (d) => rangeTotals(d, { from: addDays(END, -29), to: END }) },
    ]);
    const days = Array.from({ length: 365 }, (_, i) => addDays(FROM, i));
    for (const [label, before, after] of [
      ['active windows, a year (/daily, /active)', () => OLD.activeWindows(db, FROM, END), () => activeWindows(recording(db), year)],
      ['totals per day, a year (/daily)', () => OLD.totals(db, 'day', FROM, END), () => periodTotals(recording(db), 'day', year)],
      ['totals per month, a year (/monthly)', () => OLD.totals(db, 'month', '2025-12-01', END), () => periodTotals(recording(db), 'month', { from: '2025-12-01', to: END })],
      ['totals per country, a year (/countries)', () => OLD.totals(db, 'country', FROM, END), () => countryTotals(recording(db), year)],
      ['running totals at 365 days (/daily)', () => OLD.cumulativeAt(db, days), () => cumulativeAt(recording(db), 'new_users', days)],
    ] as const) {
      const b = await baselineTime(before);
      const a = await timeIt(after);
      baseline.push([scenario, label, fmtMs(b.p50), fmtMs(b.p99), fmtMs(a.p50), fmtMs(a.p99), fmtRatio(b.p50 / a.p50)]);
      console.log(baseline[baseline.length - 1]!.join('  '));
    }
    // The new answers equal the old queries' on the same rows.
    const oldW = (await OLD.activeWindows(db, FROM, END)).rows;
    const newW = await activeWindows(recording(db), year);
    const oldC = (await OLD.totals(db, 'country', FROM, END))[2].rows as { key: string; users: number }[];
    const newC = await countryTotals(recording(db), year);
    const oldM = (await OLD.totals(db, 'month', '2025-12-01', END))[2].rows as { key: string; users: number }[];
    const newM = await periodTotals(recording(db), 'month', { from: '2025-12-01', to: END });
    // Per-country counters, money and users over the year and over a range cut mid-month at both ends (months and days).
    const countriesEqual = async (from: string, to: string) => {
      const [counts, money, users] = await OLD.totals(db, 'country', from, to);
      const now = await countryTotals(recording(db), { from, to });
      const total = await rangeTotals(recording(db), { from, to });
      const [all] = (await db.query<{ n: number }>(`select count(distinct user_id)::int as n from rm.business_active where day between $1::date and $2::date`, [from, to])).rows;
      return (
        total.active_users === all!.n &&
        (counts.rows as { key: string; metric: Counter; value: string }[]).every((r) => now.get(r.key)?.counters[r.metric] === Number(r.value)) &&
        (money.rows as { key: string; metric: MoneyMetric; currency: Currency; count: string; amount: string }[]).every(
          (r) => now.get(r.key)?.money[r.metric].count[r.currency] === Number(r.count) && now.get(r.key)?.money[r.metric].amount[r.currency] === BigInt(r.amount),
        ) &&
        (users.rows as { key: string; users: number }[]).every((r) => now.get(r.key)?.active_users === r.users)
      );
    };
    const cut = { from: addDays(FROM, 17), to: addDays(END, -12) };
    const oldRunning = (await OLD.cumulativeAt(db, days)).rows as { day: string; value: number }[];
    const newRunning = await cumulativeAt(recording(db), 'new_users', days);
    const equal =
      oldRunning.every((r) => newRunning.get(r.day) === r.value) &&
      (await cumulativeAt(recording(db), 'new_users', [addDays(END, -40)])).get(addDays(END, -40)) === oldRunning.find((r) => r.day === addDays(END, -40))?.value &&
      (await countriesEqual(FROM, END)) &&
      (await countriesEqual(cut.from, cut.to)) &&
      (await countriesEqual(addDays(END, -6), END)) &&
      JSON.stringify(oldW) === JSON.stringify(newW) &&
      oldC.every((r) => newC.get(r.key)?.active_users === r.users) &&
      oldM.every((r) => newM.get(r.key)?.active_users === r.users) &&
      ((await OLD.totals(db, 'month', '2025-12-01', END))[1].rows as { key: string; metric: MoneyMetric; currency: Currency; amount: string }[]).every(
        (r) => newM.get(r.key)?.money[r.metric].amount[r.currency] === BigInt(r.amount),
      );
    console.log(`${scenario}: running totals, windows, per-country counters, money and users (a year, ${cut.from}..${cut.to}, a week), per-month active users and monthly money equal to the old queries: ${equal ? 'yes' : 'NO'}`);
    if (!equal) failed = true;
  }

  if (EXPLAIN) console.log(`\nEXPLAIN ANALYZE of each endpoint's statements (last scenario for /business/*)\n\n${explains.join('\n\n')}\n`);
  console.log(`\nEvery /business/* and /risk/* endpoint over HTTP, ${REPEAT} calls each (${INCIDENTS.toLocaleString('en-US')} incidents; business over ${FROM}..${END})`);
  printTable(['data', 'endpoint', 'p50 ms', 'p99 ms', 'target p99 ms', 'met', 'service CPU ms/call', 'PostgreSQL CPU ms/call', 'load avg'].map((header, i) => ({ header, align: i < 2 ? 'left' : 'right' })), figures);
  console.log(`\nBefore (the old queries, kept in this bench only) and after (the new ones), ${BASELINE_REPEAT} calls each, run directly on the same rows`);
  printTable(['data', 'query', 'before p50', 'before p99', 'after p50', 'after p99', 'p50 before/after'].map((header, i) => ({ header, align: i < 2 ? 'left' : 'right' })), baseline);
  if (failed) process.exitCode = 1;
} finally {
  await meter.close();
  await db.end();
  await svc.stop();
}
