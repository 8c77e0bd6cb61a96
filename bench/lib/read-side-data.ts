/**
 * Volume for bench/read-side.ts, written straight into the read model's
 * tables with bulk SQL (what the queries read does not depend on how it got
 * there): a year of business KPIs with `perDay` distinct active users a day
 * out of a population four times that, and incidents and sign-ins over the
 * same year. The projection's own counters (active-user windows and periods,
 * incident counts, attack IPs) are derived from those rows by brute force.
 */
import type pg from 'pg';
import { refreshPeriodDocs } from '../../src/projections/business/business-batch.js';

export const COUNTRIES = ['Jordan', 'United Arab Emirates', 'Saudi Arabia', 'Egypt', 'Unknown'];
/** The bench's user ids are UUIDs (the risk filters take only those): user n of the population. */
export const userId = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const uid = (expr: string) => `'00000000-0000-4000-8000-' || lpad(to_hex(${expr}), 12, '0')`;

const RULES = ['brute_force', 'impossible_travel', 'velocity', 'new_country', 'throttled', 'admin_action'];

/** Replaces the business tables' rows with a year ending `end` (a day) at `perDay` active users a day. */
export async function buildBusinessYear(db: pg.Pool, end: string, perDay: number): Promise<void> {
  const pool = perDay * 4;
  await db.query(`truncate rm.business_users, rm.business_counts, rm.business_money, rm.business_active, rm.business_active_days, rm.business_active_periods, rm.business_period_counts, rm.business_period_money,
    rm.business_period_docs, rm.business_country_month_counts, rm.business_country_month_money`);
  const days = `generate_series($1::date - 364, $1::date, interval '1 day') d`;
  await db.query(
    `insert into rm.business_users (user_id, country) select 'bu' || i, ($2::text[])[1 + i % 5] from generate_series(0, $1::int - 1) i`,
    [pool, COUNTRIES],
  );
  // perDay distinct users each day: a window of the population at a random offset.
  await db.query(
    `insert into rm.business_active (day, user_id, country, prev_day, prev_in_country)
     select day, user_id, country,
            lag(day) over (partition by user_id order by day),
            lag(day) over (partition by user_id, country order by day)
       from (select d::date as day, 'bu' || ((o.off + g) % $2::int) as user_id, ($4::text[])[1 + ((o.off + g) % $2::int) % 5] as country
               from ${days}
               cross join lateral (select floor(random() * $2::int + 0 * extract(epoch from d))::int as off) o
               cross join generate_series(1, $3::int) g) x`,
    [end, pool, perDay, COUNTRIES],
  );
  await db.query(`analyze rm.business_active`);
  await db.query(
    `insert into rm.business_active_days (day, users, users_7d, users_30d)
     select d::date,
            (select count(*) from rm.business_active a where a.day = d::date),
            (select count(distinct user_id) from rm.business_active a where a.day between d::date - 6 and d::date),
            (select count(distinct user_id) from rm.business_active a where a.day between d::date - 29 and d::date)
       from generate_series($1::date - 364, $1::date + 29, interval '1 day') d`,
    [end],
  );
  await db.query(
    `insert into rm.business_active_periods (granularity, start, users)
     select g, date_trunc(g, day::timestamp)::date, count(distinct user_id) from rm.business_active, unnest(array['week', 'month']) g group by 1, 2`,
  );
  await db.query(
    `insert into rm.business_counts (day, country, metric, value)
     select d::date, c, m, 1 + floor(random() * $2)::int
       from ${days}, unnest($3::text[]) c, unnest(array['new_users', 'new_accounts', 'logins', 'failed_logins']) m`,
    [end, perDay / 5, COUNTRIES],
  );
  await db.query(
    `insert into rm.business_money (day, country, metric, currency, count, amount)
     select d::date, c, m, cur, 1 + floor(random() * $2)::int, floor(random() * 10000000)::bigint
       from ${days}, unnest($3::text[]) c,
            unnest(array['deposits', 'internal_transfers', 'external_transfers', 'bill_payments', 'reversals', 'fees_collected', 'fx_volume']) m,
            unnest(array['JOD', 'USD', 'EUR']) cur`,
    [end, perDay / 5, COUNTRIES],
  );
  await db.query(
    `insert into rm.business_country_month_counts (month, country, metric, value)
     select date_trunc('month', day::timestamp)::date, country, metric, sum(value) from rm.business_counts group by 1, 2, 3`,
  );
  await db.query(
    `insert into rm.business_country_month_money (month, country, metric, currency, count, amount)
     select date_trunc('month', day::timestamp)::date, country, metric, currency, sum(count), sum(amount) from rm.business_money group by 1, 2, 3, 4`,
  );
  await db.query(
    `insert into rm.business_period_counts (granularity, start, metric, value)
     select g, date_trunc(g, day::timestamp)::date, metric, sum(value) from rm.business_counts, unnest(array['day', 'week', 'month']) g group by 1, 2, 3`,
  );
  await db.query(
    `insert into rm.business_period_money (granularity, start, metric, currency, count, amount)
     select g, date_trunc(g, day::timestamp)::date, metric, currency, sum(count), sum(amount)
       from rm.business_money, unnest(array['day', 'week', 'month']) g group by 1, 2, 3, 4`,
  );
  await refreshPeriodDocs({ query: async (text, params) => (await db.query(text, params as unknown[])).rows, run: () => Promise.reject(new Error('not used')) }, 'rm');
  await db.query(`vacuum analyze rm.business_period_docs, rm.business_period_counts, rm.business_period_money, rm.business_country_month_counts, rm.business_country_month_money, rm.business_users, rm.business_counts, rm.business_money, rm.business_active, rm.business_active_days, rm.business_active_periods`);
}

/** `count` incidents over the year ending `end`, positions above `base`, with their KPI counters; and sign-ins. */
export async function buildIncidents(db: pg.Pool, end: string, count: number, base: number, users: number): Promise<void> {
  const chunk = 200_000;
  for (let from = 1; from <= count; from += chunk) {
    await db.query(
      `insert into rm.incidents (incident_id, position, rule, severity, status, user_id, account_number, ip, country, evidence, raised_at, raised_by,
         acknowledged_by, acknowledged_note, acknowledged_at, resolved_by, resolved_note, resolved_at, updated_at, last_position)
       select gen_random_uuid(), $4::bigint + g, ($5::text[])[1 + g % 6],
              case when g % 10 < 5 then 'low' when g % 10 < 8 then 'medium' when g % 10 < 9 then 'high' else 'critical' end,
              case when g % 13 = 0 then 'resolved' when g % 5 = 0 then 'acknowledged' else 'open' end,
              case when g % 4 = 0 then null else ${uid('g % $6')} end, null,
              '198.51.' || (g % 200) || '.' || (g % 251), ($7::text[])[1 + g % 6],
              '{}'::jsonb, t, 'system',
              case when g % 5 = 0 then 'staff' end, case when g % 5 = 0 then '' end, case when g % 5 = 0 then t end,
              case when g % 13 = 0 then 'staff' end, case when g % 13 = 0 then '' end, case when g % 13 = 0 then t end,
              t, $4::bigint + g
         from generate_series($1::int, $2::int) g,
              lateral (select ($3::date - 364)::timestamptz + (g::float8 / $8::float8) * interval '365 days' as t) x`,
      [from, Math.min(count, from + chunk - 1), end, base, RULES, users, ['JO', 'AE', 'SA', 'EG', 'US', null], count],
    );
  }
  await db.query(`truncate rm.incident_counts, rm.incident_attack_ips, rm.incident_days`);
  await db.query(
    `insert into rm.incident_days (day, min_position, max_position)
     select (raised_at at time zone 'UTC')::date, min(position), max(position) from rm.incidents group by 1`,
  );
  await db.query(`insert into rm.incident_counts (rule, severity, status, n) select rule, severity, status, count(*) from rm.incidents group by 1, 2, 3`);
  await db.query(
    `insert into rm.incident_attack_ips (ip, n) select ip, count(*) from rm.incidents
      where ip is not null and rule <> 'admin_action' and severity in ('medium', 'high', 'critical') group by ip`,
  );
  await db.query(
    `insert into rm.risk_counters (name, n) values ('attack_ips', (select count(*) from rm.incident_attack_ips))
     on conflict (name) do update set n = excluded.n`,
  );
  // Three sign-ins a day per active user of the larger scenario, one in ten failed.
  await db.query(
    `insert into rm.login_events (id, position, kind, outcome, successful, user_id, email, ip, country, user_agent, reason, occurred_at)
     select gen_random_uuid(), $2::bigint + g, 'login', case when g % 10 = 0 then 'bad_password' else 'success' end, g % 10 <> 0,
            ${uid('g % $3')}, 'u' || (g % $3) || '@example.com', '198.51.' || (g % 200) || '.' || (g % 251),
            (array['JO', 'AE', 'SA', 'EG'])[1 + g % 4], 'bench', case when g % 10 = 0 then 'bad_password' end,
            ($1::date - 364)::timestamptz + (g::float8 / ($4::float8)) * interval '365 days'
       from generate_series(1, $4::int) g`,
    [end, base, users, users * 3 * 365 / 4],
  );
  await db.query(
    `insert into rm.login_days (day, min_position, max_position)
     select (occurred_at at time zone 'UTC')::date, min(position), max(position) from rm.login_events group by 1
     on conflict (day) do update set min_position = least(rm.login_days.min_position, excluded.min_position), max_position = greatest(rm.login_days.max_position, excluded.max_position)`,
  );
  await db.query(`vacuum analyze rm.incidents, rm.incident_counts, rm.incident_attack_ips, rm.incident_days, rm.risk_counters, rm.login_events, rm.login_days`);
}
