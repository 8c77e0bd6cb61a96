import { addDays, addMonths, monthStart } from '../../domain/metrics/calendar.js';
import { alignRange, type DayRange, type Granularity } from '../../domain/metrics/date-range.js';
import { addTotals, emptyTotals, isCounter, isMoneyMetric, type PeriodTotals } from '../../domain/metrics/kpis.js';
import { isCurrency } from '../../domain/money/currency.js';
import type { Queryable } from '../../infra/db.js';
import { LIVE_SCHEMA } from '../runtime/projection.js';

/** Periods in a range, keyed by their first day (the day, its Monday, or the 1st of the month). */
export type Periods = Map<string, PeriodTotals>;

const S = LIVE_SCHEMA;
const period = (col: string) => `date_trunc($3, ${col}::timestamp)::date::text`;

interface CountRow { key: string; metric: string; value: string }
interface MoneyRow { key: string; metric: string; currency: string; count: string; amount: string }
interface ActiveRow { key: string; users: string }

/** Adds counter, money and active rows (keyed by period or country) into totals, creating keys as needed. */
function fold(target: Map<string, PeriodTotals>, counts: CountRow[], money: MoneyRow[], active: ActiveRow[]): void {
  const at = (key: string) => {
    let t = target.get(key);
    if (!t) target.set(key, (t = emptyTotals()));
    return t;
  };
  for (const r of counts) if (isCounter(r.metric)) at(r.key).counters[r.metric] += Number(r.value);
  for (const r of money) {
    if (!isMoneyMetric(r.metric) || !isCurrency(r.currency)) continue;
    const m = at(r.key).money[r.metric];
    m.count[r.currency] += Number(r.count);
    m.amount[r.currency] += BigInt(r.amount);
  }
  for (const r of active) at(r.key).active_users = Number(r.users);
}

/** Every period of the range with its totals (periods without events are zero). */
export async function periodTotals(db: Queryable, granularity: Granularity, range: DayRange): Promise<Periods> {
  const params = [range.from, range.to, granularity];
  const [keys, [counts, money], active] = await Promise.all([
    db.query<{ key: string }>(
      `select g::date::text as key from generate_series(date_trunc($3, $1::timestamp), $2::timestamp, ('1 ' || $3)::interval) g order by 1`,
      params,
    ),
    isAligned(granularity, range) ? keptPerPeriod(db, granularity, range) : summedPerPeriod(db, granularity, range),
    activePerPeriod(db, granularity, range),
  ]);
  const out: Periods = new Map(keys.map((k) => [k.key, emptyTotals()]));
  fold(out, counts, money, active);
  return out;
}

const isAligned = (granularity: Granularity, range: DayRange) => {
  const aligned = alignRange(range, granularity);
  return aligned.from === range.from && aligned.to === range.to;
};

/** Whole periods: their counters and sums over all countries, as the projection keeps them (one document a period). */
async function keptPerPeriod(db: Queryable, granularity: Granularity, range: DayRange): Promise<[CountRow[], MoneyRow[]]> {
  const docs = await db.query<{ key: string; doc: string }>(
    `select start::text as key, doc::text as doc from ${S}.business_period_docs where granularity = $3 and start between $1::date and $2::date`,
    [range.from, range.to, granularity],
  );
  const counts: CountRow[] = [];
  const money: MoneyRow[] = [];
  for (const { key, doc } of docs) docRows(key, doc, counts, money);
  return [counts, money];
}

/** Adds the counter and money rows of one business_period_docs document, under `key`. */
function docRows(key: string, doc: string, counts: CountRow[], money: MoneyRow[]): void {
  const d = JSON.parse(doc) as { c: [string, string][]; m: [string, string, string, string][] };
  for (const [metric, value] of d.c) counts.push({ key, metric, value });
  for (const [metric, currency, count, amount] of d.m) money.push({ key, metric, currency, count, amount });
}

/** One period's counters and money from its business_period_docs document (active users 0: they are kept apart). */
export function docTotals(doc: string): PeriodTotals {
  const counts: CountRow[] = [];
  const money: MoneyRow[] = [];
  docRows('', doc, counts, money);
  const out = new Map<string, PeriodTotals>([['', emptyTotals()]]);
  fold(out, counts, money, []);
  return out.get('')!;
}

/** Periods cut by the range: summed from the days. */
function summedPerPeriod(db: Queryable, granularity: Granularity, range: DayRange): Promise<[CountRow[], MoneyRow[]]> {
  const params = [range.from, range.to, granularity];
  const where = `where day between $1::date and $2::date`;
  return Promise.all([
    db.query<CountRow>(`select ${period('day')} as key, metric, sum(value)::text as value from ${S}.business_counts ${where} group by 1, 2`, params),
    db.query<MoneyRow>(
      `select ${period('day')} as key, metric, currency, sum(count)::text as count, sum(amount)::text as amount
       from ${S}.business_money ${where} group by 1, 2, 3`,
      params,
    ),
  ]);
}

/** Whole weeks or months of a range aligned to them are read from their counters; any other range is counted from the rows' previous days. */
function activePerPeriod(db: Queryable, granularity: Granularity, range: DayRange): Promise<ActiveRow[]> {
  if (granularity === 'day') {
    return db.query<ActiveRow>(`select day::text as key, users::text as users from ${S}.business_active_days where day between $1::date and $2::date and users > 0`, [range.from, range.to]);
  }
  if (isAligned(granularity, range)) {
    return db.query<ActiveRow>(
      `select start::text as key, users::text as users from ${S}.business_active_periods where granularity = $3 and start between $1::date and $2::date`,
      [range.from, range.to, granularity],
    );
  }
  // A user counts in a period at their first day in it (and in the range): the rows whose previous day is before both.
  return db.query<ActiveRow>(
    `select ${period('day')} as key, count(*)::text as users from ${S}.business_active
      where day between $1::date and $2::date and (prev_day is null or prev_day < greatest($1::date, date_trunc($3, day::timestamp)::date))
      group by 1`,
    [range.from, range.to, granularity],
  );
}

/**
 * Distinct active users of a range: its rows whose user was not active earlier
 * in the range, i.e. whose span since the previous active day, (prev, day],
 * holds the range's first day (read from the GiST index on that span).
 */
const firstInRange = (prev: 'prev_day' | 'prev_in_country') => `daterange(${prev}, day, '(]') @> $1::date and day <= $2::date`;

/** One summary over the whole range. */
export async function rangeTotals(db: Queryable, range: DayRange): Promise<PeriodTotals> {
  const byCountry = await countryTotals(db, range);
  const [active] = await db.query<{ users: string }>(
    `select count(*)::text as users from ${S}.business_active where ${firstInRange('prev_day')}`,
    [range.from, range.to],
  );
  const total = emptyTotals();
  for (const t of byCountry.values()) addTotals(total, t);
  total.active_users = Number(active?.users ?? 0);
  return total;
}

/**
 * A range (from the first day kept when `from` is undefined) as the whole
 * months it covers, read from business_country_month_* ($1 to $2, exclusive),
 * and the days left before and after them, read from the daily rows ($3 to $4
 * and $5 to $6; an empty span has its start after its end): a year is 12 rows
 * per key instead of 365.
 */
function byMonths(from: string | undefined, to: string): string[] {
  const first = from === undefined || from === monthStart(from) ? from : addMonths(from, 1);
  const next = addDays(to, 1);
  const end = next === monthStart(next) ? next : monthStart(to);
  if (first === undefined) return ['-infinity', end, end, addDays(end, -1), end, to];
  if (first >= end) return [from!, from!, from!, to, next, to];
  return [first, end, from!, addDays(first, -1), end, to];
}

const MONTHS_AND_DAYS = (monthTable: string, dayTable: string, cols: string, extra = '') =>
  `select ${cols} from ${S}.${monthTable} where month >= $1::date and month < $2::date ${extra}
   union all
   select ${cols} from ${S}.${dayTable} where (day between $3::date and $4::date or day between $5::date and $6::date) ${extra}`;

/** Totals per country over the range (the country of the user each event is attributed to). */
export async function countryTotals(db: Queryable, range: DayRange): Promise<Map<string, PeriodTotals>> {
  const params = [range.from, range.to];
  const split = byMonths(range.from, range.to);
  const [counts, money, active] = await Promise.all([
    db.query<CountRow>(
      `select country as key, metric, sum(value)::text as value
         from (${MONTHS_AND_DAYS('business_country_month_counts', 'business_counts', 'country, metric, value')}) t group by 1, 2`,
      split,
    ),
    db.query<MoneyRow>(
      `select country as key, metric, currency, sum(count)::text as count, sum(amount)::text as amount
         from (${MONTHS_AND_DAYS('business_country_month_money', 'business_money', 'country, metric, currency, count, amount')}) t group by 1, 2, 3`,
      split,
    ),
    db.query<ActiveRow>(
      `select country as key, count(*)::text as users from ${S}.business_active where ${firstInRange('prev_in_country')} group by 1`,
      params,
    ),
  ]);
  const out = new Map<string, PeriodTotals>();
  fold(out, counts, money, active);
  return out;
}

/** Registered users (or opened customer accounts) up to and including `day`, per country. */
export async function cumulativeByCountry(db: Queryable, metric: 'new_users' | 'new_accounts', day: string): Promise<Map<string, number>> {
  const rows = await db.query<{ country: string; value: string }>(
    `select country, sum(value)::text as value
       from (${MONTHS_AND_DAYS('business_country_month_counts', 'business_counts', 'country, value', 'and metric = $7')}) t group by 1`,
    [...byMonths(undefined, day), metric],
  );
  return new Map(rows.map((r) => [r.country, Number(r.value)]));
}

/**
 * The running total of a counter at the end of each given day (sorted ascending or not): one read of its
 * totals over all countries, per month before the first day's month (one row, keyed '') and per day from there.
 */
export async function cumulativeAt(db: Queryable, metric: 'new_users' | 'new_accounts', days: string[]): Promise<Map<string, number>> {
  if (days.length === 0) return new Map();
  const last = days.reduce((a, b) => (a > b ? a : b));
  const first = monthStart(days.reduce((a, b) => (a < b ? a : b)));
  const rows = await db.query<{ day: string; value: string }>(
    `select * from (
       select '' as day, coalesce(sum(value), 0)::text as value from ${S}.business_period_counts where granularity = 'month' and metric = $1 and start < $3::date
       union all
       select start::text, value::text from ${S}.business_period_counts where granularity = 'day' and metric = $1 and start between $3::date and $2::date) t
     order by day`,
    [metric, last, first],
  );
  const sorted = [...new Set(days)].sort();
  const out = new Map<string, number>();
  let total = 0;
  let i = 0;
  for (const day of sorted) {
    while (i < rows.length && rows[i]!.day <= day) total += Number(rows[i++]!.value);
    out.set(day, total);
  }
  return out;
}

export interface ActiveWindows {
  date: string;
  active_users: number;
  active_users_7d: number;
  active_users_30d: number;
}

/** DAU and distinct users over the trailing 7 and 30 days, for every day of the range (kept per day by the projection). */
export async function activeWindows(db: Queryable, range: DayRange): Promise<ActiveWindows[]> {
  const rows = await db.query<{ date: string; d1: string; d7: string; d30: string }>(
    `select g::date::text as date, coalesce(a.users, 0)::text as d1, coalesce(a.users_7d, 0)::text as d7, coalesce(a.users_30d, 0)::text as d30
       from generate_series($1::date, $2::date, interval '1 day') g
       left join ${S}.business_active_days a on a.day = g::date
      order by 1`,
    [range.from, range.to],
  );
  return rows.map((r) => ({ date: r.date, active_users: Number(r.d1), active_users_7d: Number(r.d7), active_users_30d: Number(r.d30) }));
}
