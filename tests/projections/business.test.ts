import { expect } from 'chai';
import { businessProjection } from '../../src/projections/business/business-projection.js';
import { addDays, monthEnd } from '../../src/domain/metrics/calendar.js';
import { addTotals, emptyTotals, type PeriodTotals } from '../../src/domain/metrics/kpis.js';
import { activeWindows, countryTotals, cumulativeAt, cumulativeByCountry, periodTotals, rangeTotals } from '../../src/projections/business/business-queries.js';
import { periodView } from '../../src/projections/business/business-views.js';
import { periodResultsJson } from '../../src/projections/business/period-results.js';
import { asNew, projectionBench } from '../unit/cards/support/projection-bench.js';

const CASH = '900000000001';
const FEES = '900000000002';
const BILLER = '900000000101';
const A1 = '100000000017'; // u1, JOD
const A2 = '100000000025'; // u1, USD
const B1 = '200000000015'; // u2, JOD
const fx = { from: 'JOD', to: 'USD', rate: '1.41', rate_numerator: '141', rate_denominator: '100', rounding: 'half_even', source_amount: '10000' };

const debit = (kind: string, amount: number, to: string, extra: Record<string, unknown> = {}) => ({
  type: 'AccountDebited',
  data: { transfer_id: `t-${kind}-${amount}`, kind, amount: String(amount), fee: '0', counterparty_account: to, credit_amount: String(amount), fx: null, fee_account: null, from_reservation: false, balance_after: '0', ...extra },
});
const credit = (kind: string, amount: number, from: string) => ({
  type: 'AccountCredited',
  data: { transfer_id: `t-${kind}-${amount}`, kind, amount: String(amount), counterparty_account: from, fx: null, balance_after: '0' },
});
const opened = (n: string, owner: string, type: string, currency: string) => ({ type: 'AccountOpened', data: { account_number: n, owner_id: owner, type, currency } });
const registered = (id: string, country: string) => ({ type: 'UserRegistered', data: { user_id: id, email: `${id}@x.test`, country } });
const session = (user: string) => ({ type: 'SessionStarted', data: { session_id: `s-${Math.random()}`, user_id: user } });

describe('business metrics projection (PostgreSQL)', function () {
  this.timeout(60_000);
  let bench: Awaited<ReturnType<typeof projectionBench>>;

  /** Appends with an occurred_at in the past, then waits for the projection. */
  const at = async (instant: string, stream: string, events: { type: string; data: object }[]) => {
    const result = await bench.store.append(
      stream,
      events.map((e) => {
        const n = asNew(e.type, e.data);
        return { ...n, metadata: { ...n.metadata, occurred_at: instant } };
      }),
      'any',
    );
    bench.runtime.nudge();
    if (!(await bench.runtime.waitForPosition(result.position, 15_000))) throw new Error('projection did not catch up');
  };

  before(async () => {
    bench = await projectionBench(businessProjection);
    const day1 = '2026-01-05T10:00:00Z'; // a Monday
    await at('2026-01-04T09:00:00Z', 'user-u1', [registered('u1', 'Jordan')]);
    await at('2026-01-04T09:00:00Z', 'user-u2', [registered('u2', 'UAE')]);
    await at('2026-01-04T23:59:59Z', 'user-u3', [registered('u3', '')]);
    for (const [n, owner, type, cur] of [[CASH, 'bank', 'BankCash', 'JOD'], [FEES, 'bank', 'BankFees', 'JOD'], [BILLER, 'bank', 'Biller', 'JOD'], [A1, 'u1', 'Basic', 'JOD'], [A2, 'u1', 'USD', 'USD'], [B1, 'u2', 'Basic', 'JOD']] as const) {
      await at('2026-01-04T12:00:00Z', `account-${n}`, [opened(n, owner, type, cur)]);
    }
    // Day 1: a deposit, an internal cross-currency transfer, an external transfer with a fee, logins.
    await at(day1, `account-${CASH}`, [debit('deposit', 100000, A1)]);
    await at(day1, `account-${A1}`, [credit('deposit', 100000, CASH)]);
    await at(day1, `account-${A1}`, [debit('internal', 10000, A2, { fx, credit_amount: '1410' })]);
    await at(day1, `account-${A2}`, [credit('internal', 1410, A1)]);
    await at(day1, `account-${A1}`, [debit('external', 20000, B1, { fee: '200', fee_account: FEES })]);
    await at(day1, `account-${B1}`, [credit('external', 20000, A1)]);
    await at(day1, `account-${FEES}`, [credit('external', 200, A1)]);
    await at(day1, 'session-1', [session('u1')]);
    await at(day1, 'session-2', [session('u1')]);
    await at(day1, 'session-3', [session('u2')]);
    await at(day1, 'auth-attempts-x', [
      { type: 'AuthAttemptRecorded', data: { kind: 'login', outcome: 'bad_password', user_id: 'u2', country: 'UAE' } },
      { type: 'AuthAttemptRecorded', data: { kind: 'login', outcome: 'success', user_id: 'u2', country: 'UAE' } },
      { type: 'AuthAttemptRecorded', data: { kind: 'refresh', outcome: 'reuse_detected', user_id: 'u2' } },
    ]);
    // Day 3 (just before midnight UTC, though 01:30 the next day in Amman): a confirmed high-value transfer, a reversal, a bill.
    const day3 = '2026-01-07T23:30:00Z';
    await at(day3, `account-${A1}`, [
      {
        type: 'FundsHeld',
        data: { transfer_id: 'hv', kind: 'external', amount: '600000', fee: '0', counterparty_account: B1, expires_at: '2026-01-07T23:35:00Z', balance_after: '600000', available_after: '0' },
      },
      debit('external', 600000, B1, { from_reservation: true }),
      { type: 'DebitReversed', data: { transfer_id: 't-x', amount: '5000', reason: 'receiver_not_found', balance_after: '0' } },
      debit('bill', 30000, BILLER),
    ]);
    await at(day3, `account-${BILLER}`, [credit('bill', 30000, A1)]);
    await at(day3, 'session-4', [session('u1')]);
    // February: a USD deposit and a login by the user without a country.
    await at('2026-02-01T00:00:00Z', `account-${CASH}`, [debit('deposit', 2500, A2)]);
    await at('2026-02-01T00:00:00Z', `account-${A2}`, [credit('deposit', 2500, CASH)]);
    await at('2026-02-01T00:00:00Z', 'session-5', [session('u3')]);
  });
  after(async () => {
    await bench?.close();
  });

  it('counts each KPI on the UTC day of its event, per currency', async () => {
    const days = await periodTotals(bench.db, 'day', { from: '2026-01-04', to: '2026-01-07' });
    expect([...days.keys()]).to.deep.equal(['2026-01-04', '2026-01-05', '2026-01-06', '2026-01-07']);
    const d4 = days.get('2026-01-04')!;
    expect(d4.counters).to.deep.equal({ new_users: 3, new_accounts: 3, logins: 0, failed_logins: 0 });
    const d5 = days.get('2026-01-05')!;
    expect(d5.counters).to.deep.equal({ new_users: 0, new_accounts: 0, logins: 3, failed_logins: 1 });
    expect(d5.active_users).to.equal(2);
    expect(d5.money.deposits.amount).to.deep.equal({ JOD: 100000n, USD: 0n, EUR: 0n });
    expect(d5.money.internal_transfers).to.deep.equal({ count: { JOD: 1, USD: 0, EUR: 0 }, amount: { JOD: 10000n, USD: 0n, EUR: 0n } });
    expect(d5.money.external_transfers.amount.JOD).to.equal(20000n);
    expect(d5.money.fx_volume.amount).to.deep.equal({ JOD: 10000n, USD: 0n, EUR: 0n });
    expect(d5.money.fees_collected.amount).to.deep.equal({ JOD: 200n, USD: 0n, EUR: 0n });
    expect(days.get('2026-01-06')).to.deep.include({ active_users: 0 });
    const d7 = days.get('2026-01-07')!;
    expect(d7.money.external_transfers).to.deep.equal({ count: { JOD: 1, USD: 0, EUR: 0 }, amount: { JOD: 600000n, USD: 0n, EUR: 0n } });
    expect(d7.money.bill_payments.amount.JOD).to.equal(30000n);
    expect(d7.money.internal_transfers.count.JOD, 'a bill is not also a transfer').to.equal(0);
    expect(d7.money.reversals.amount.JOD).to.equal(5000n);
    const feb = (await periodTotals(bench.db, 'day', { from: '2026-02-01', to: '2026-02-01' })).get('2026-02-01')!;
    expect(feb.money.deposits.amount).to.deep.equal({ JOD: 0n, USD: 2500n, EUR: 0n });
  });

  it('sums weeks and months on read, counting distinct active users', async () => {
    const weeks = await periodTotals(bench.db, 'week', { from: '2025-12-29', to: '2026-01-11' });
    expect([...weeks.keys()]).to.deep.equal(['2025-12-29', '2026-01-05']);
    const w = weeks.get('2026-01-05')!;
    expect(w.active_users, 'u1 and u2, not 2 + 1 daily').to.equal(2);
    expect(w.counters.logins).to.equal(4);
    expect(w.money.external_transfers.amount.JOD).to.equal(620000n);
    expect(weeks.get('2025-12-29')!.counters.new_users).to.equal(3);
    const months = await periodTotals(bench.db, 'month', { from: '2026-01-01', to: '2026-02-28' });
    expect(months.get('2026-01-01')!.money.deposits.amount).to.deep.equal({ JOD: 100000n, USD: 0n, EUR: 0n });
    expect(months.get('2026-02-01')!.money.deposits.amount).to.deep.equal({ JOD: 0n, USD: 2500n, EUR: 0n });
    expect(months.get('2026-02-01')!.active_users).to.equal(1);
    const all = await rangeTotals(bench.db, { from: '2026-01-01', to: '2026-02-28' });
    expect(all.active_users).to.equal(3);
    expect(all.counters.logins).to.equal(5);
  });

  it('attributes KPIs to the coarse country of the user (a known country\'s name, "Unknown" when none)', async () => {
    const c = await countryTotals(bench.db, { from: '2026-01-01', to: '2026-02-28' });
    expect([...c.keys()].sort()).to.deep.equal(['Jordan', 'United Arab Emirates', 'Unknown']);
    expect(c.get('Jordan')!.money.external_transfers.amount.JOD).to.equal(620000n);
    expect(c.get('Jordan')!.money.fees_collected.amount.JOD).to.equal(200n);
    expect(c.get('United Arab Emirates')!.counters.failed_logins).to.equal(1);
    expect(c.get('United Arab Emirates')!.active_users).to.equal(1);
    expect(c.get('Unknown')!.active_users).to.equal(1);
  });

  it('gives per-country counters and money of a range cut mid-month (its whole months and the days left) equal to its days added up', async () => {
    const days = (from: string, to: string) => {
      const out: string[] = [];
      for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
      return out;
    };
    const withoutUsers = (m: Map<string, PeriodTotals>) => Object.fromEntries([...m].map(([k, t]) => [k, { ...t, active_users: 0 }]));
    for (const [from, to] of [['2025-12-30', '2026-02-02'], ['2026-01-02', '2026-02-28'], ['2026-01-01', '2026-01-31'], ['2026-01-04', '2026-01-06']] as const) {
      const added = new Map<string, PeriodTotals>();
      for (const day of days(from, to)) {
        for (const [country, t] of await countryTotals(bench.db, { from: day, to: day })) addTotals(added.get(country) ?? added.set(country, emptyTotals()).get(country)!, t);
      }
      expect(withoutUsers(await countryTotals(bench.db, { from, to })), `${from}..${to}`).to.deep.equal(withoutUsers(added));
    }
    expect([...(await countryTotals(bench.db, { from: '2026-01-01', to: '2026-02-28' })).values()].some((t) => t.money.external_transfers.amount.JOD > 0n)).to.equal(true);
    // A running total after whole months: their sums, then the days of its own month.
    expect(Object.fromEntries(await cumulativeAt(bench.db, 'new_users', ['2026-02-15']))).to.deep.equal({ '2026-02-15': 3 });
    expect([...(await cumulativeByCountry(bench.db, 'new_users', '2026-02-15')).values()].reduce((a, b) => a + b, 0)).to.equal(3);
  });

  it('gives DAU with trailing 7 and 30 day windows, and running user totals', async () => {
    const w = await activeWindows(bench.db, { from: '2026-01-05', to: '2026-02-05' });
    const byDay = new Map(w.map((r) => [r.date, r]));
    expect(byDay.get('2026-01-05')).to.deep.equal({ date: '2026-01-05', active_users: 2, active_users_7d: 2, active_users_30d: 2 });
    expect(byDay.get('2026-01-07')).to.deep.equal({ date: '2026-01-07', active_users: 1, active_users_7d: 2, active_users_30d: 2 });
    expect(byDay.get('2026-01-12')).to.include({ active_users: 0, active_users_7d: 1 });
    expect(byDay.get('2026-02-01')).to.deep.equal({ date: '2026-02-01', active_users: 1, active_users_7d: 1, active_users_30d: 3 });
    expect(byDay.get('2026-02-04')).to.include({ active_users_30d: 2 }); // 01-05 has left the window
    const totals = await cumulativeAt(bench.db, 'new_users', ['2026-01-03', '2026-01-04', '2026-03-01']);
    expect(Object.fromEntries(totals)).to.deep.equal({ '2026-01-03': 0, '2026-01-04': 3, '2026-03-01': 3 });
  });

  it('writes the results of /business/daily, /weekly and /monthly from the stored fragments as the same text as serializing their views', async () => {
    // The answers as built before the fragments: one object per period from the totals, windows and running totals.
    const views = async (granularity: 'day' | 'week' | 'month', range: { from: string; to: string }) => {
      const [periods, windows] = await Promise.all([periodTotals(bench.db, granularity, range), activeWindows(bench.db, range)]);
      const labels = [...periods.keys()].map((start): Record<string, string> =>
        granularity === 'day' ? { date: start } : granularity === 'week' ? { week_start: start, week_end: addDays(start, 6) } : { month: start.slice(0, 7), month_start: start, month_end: monthEnd(start) });
      const ends = labels.map((l, i) => l.week_end ?? l.month_end ?? [...periods.keys()][i]!);
      const [users, accounts] = await Promise.all([cumulativeAt(bench.db, 'new_users', ends), cumulativeAt(bench.db, 'new_accounts', ends)]);
      const byDay = new Map(windows.map((w) => [w.date, w]));
      return [...periods.values()]
        .map((totals, i) => ({
          ...labels[i]!,
          ...periodView(totals, { users: users.get(ends[i]!) ?? 0, accounts: accounts.get(ends[i]!) ?? 0 }),
          ...(granularity === 'day' ? { active_users_7d: byDay.get(ends[i]!)?.active_users_7d ?? 0, active_users_30d: byDay.get(ends[i]!)?.active_users_30d ?? 0 } : {}),
        }))
        .reverse();
    };
    const cases = [
      ['day', '2025-12-20', '2026-02-10'], ['day', '2026-01-05', '2026-01-05'], ['day', '2026-01-06', '2026-02-01'], ['day', '2026-02-02', '2026-03-03'],
      ['week', '2025-12-29', '2026-02-08'], ['week', '2026-01-12', '2026-03-01'], ['month', '2025-11-01', '2026-03-31'], ['month', '2026-02-01', '2026-02-28'],
    ] as const;
    for (const [granularity, from, to] of cases) {
      const text = await periodResultsJson(bench.db, granularity, { from, to });
      expect(text, `${granularity} ${from}..${to}`).to.equal(JSON.stringify(await views(granularity, { from, to })));
    }
    const [d5] = JSON.parse(await periodResultsJson(bench.db, 'day', { from: '2026-01-05', to: '2026-01-05' })) as Record<string, unknown>[];
    expect(d5).to.deep.include({ total_users: 3, total_accounts: 3, logins: 3, active_users: 2, fees_collected: { JOD: '0.200', USD: '0.00', EUR: '0.00' } });
    const [feb] = JSON.parse(await periodResultsJson(bench.db, 'month', { from: '2026-02-01', to: '2026-02-28' })) as Record<string, unknown>[];
    expect(feb).to.deep.include({ month: '2026-02', month_end: '2026-02-28', total_users: 3, active_users: 1, deposits_amount: { JOD: '0.000', USD: '25.00', EUR: '0.00' } });
  });

  it('rebuilds from position 0 to the same tables', async () => {
    const dump = async () =>
      Promise.all(businessProjection.tables.map((t) => bench.db.query(`select * from rm.${t} t order by t::text`)));
    const before = await dump();
    expect(before.every((rows) => rows.length > 0)).to.equal(true);
    await bench.db.query('delete from rm.business_money; delete from rm.business_active');
    await bench.runtime.rebuild('business');
    expect(await dump()).to.deep.equal(before);
  });
});
