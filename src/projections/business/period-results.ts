import { monthStart } from '../../domain/metrics/calendar.js';
import type { DayRange, Granularity } from '../../domain/metrics/date-range.js';
import type { Queryable } from '../../infra/db.js';
import { LIVE_SCHEMA } from '../runtime/projection.js';
import { EMPTY_MONEY } from './period-fragments.js';

const S = LIVE_SCHEMA;

/** Per granularity: a period's labels (opening its object), where its active users are kept, and what follows its money fields. */
const SHAPES: Record<Granularity, { labels: string; active: string; tail: string }> = {
  day: {
    labels: `'{"date":"' || p.start::text`,
    active: `${S}.business_active_days a on a.day = p.start`,
    tail: `',"active_users_7d":' || coalesce(a.users_7d, 0) || ',"active_users_30d":' || coalesce(a.users_30d, 0) || '}'`,
  },
  week: {
    labels: `'{"week_start":"' || p.start::text || '","week_end":"' || (p.start + 6)::text`,
    active: `${S}.business_active_periods a on a.granularity = 'week' and a.start = p.start`,
    tail: `'}'`,
  },
  month: {
    labels: `'{"month":"' || to_char(p.start, 'YYYY-MM') || '","month_start":"' || p.start::text || '","month_end":"' || ((p.start + interval '1 month')::date - 1)::text`,
    active: `${S}.business_active_periods a on a.granularity = 'month' and a.start = p.start`,
    tail: `'}'`,
  },
};

/**
 * The `results` of /business/daily, /weekly or /monthly over a range aligned
 * to its periods, as JSON text (one object per period), newest period first, put together by one
 * statement from what the projection keeps per period (business_period_docs'
 * counters and money fragment; active users and windows), one text row per
 * period: the same text as serializing the views (business-views.ts) built
 * from periodTotals, activeWindows and cumulativeAt, without a JS object per
 * period. Running totals at a period's end: the months before the first
 * period's month, its days before the first period, then the periods.
 */
export async function periodResults(db: Queryable, granularity: Granularity, range: DayRange): Promise<string[]> {
  const shape = SHAPES[granularity];
  const rows = await db.query<{ json: string }>(
    `with base as (
       select coalesce(sum(new_users), 0) as users, coalesce(sum(new_accounts), 0) as accounts
         from ${S}.business_period_docs
        where (granularity = 'month' and start < $3::date) or (granularity = 'day' and start >= $3::date and start < $1::date)),
     periods as (
       select g::date as start, d.new_users, d.new_accounts, d.logins, d.failed_logins, d.money_view,
              sum(coalesce(d.new_users, 0)) over w as users, sum(coalesce(d.new_accounts, 0)) over w as accounts
         from generate_series($1::date, $2::date, ('1 ' || $5::text)::interval) g
         left join ${S}.business_period_docs d on d.granularity = $5::text and d.start = g::date
       window w as (order by g))
     select ${shape.labels} || '","new_users":' || coalesce(p.new_users, 0) || ',"total_users":' || (b.users + p.users)
              || ',"new_accounts":' || coalesce(p.new_accounts, 0) || ',"total_accounts":' || (b.accounts + p.accounts)
              || ',"logins":' || coalesce(p.logins, 0) || ',"failed_logins":' || coalesce(p.failed_logins, 0)
              || ',"active_users":' || coalesce(a.users, 0) || ',' || coalesce(p.money_view, $4) || ${shape.tail} as json
       from periods p cross join base b
       left join ${shape.active}
      order by p.start desc`,
    [range.from, range.to, monthStart(range.from), EMPTY_MONEY, granularity],
  );
  // Joined by the caller: string_agg over the rows cost PostgreSQL 3-5x the statement's other work.
  return rows.map((r) => r.json);
}

/** periodResults as one JSON array. */
export async function periodResultsJson(db: Queryable, granularity: Granularity, range: DayRange): Promise<string> {
  return `[${(await periodResults(db, granularity, range)).join(',')}]`;
}
