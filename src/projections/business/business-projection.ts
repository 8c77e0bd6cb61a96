import type { Projection } from '../runtime/projection.js';
import { applyBusinessEvents, BUSINESS_HANDLES } from './business-batch.js';

export { UNKNOWN_COUNTRY } from './business-batch.js';

/** Counters and money per country, keyed by a day or a month's 1st (`grain`). */
const countryTotalTables = (schema: string, counts: string, money: string, grain: 'day' | 'month') => `
      create table ${schema}.${counts} (
        ${grain} date not null,
        country  text not null,
        metric   text not null,
        value    bigint not null,
        primary key (${grain}, metric, country)
      );
      create table ${schema}.${money} (
        ${grain} date not null,
        country  text not null,
        metric   text not null,
        currency text not null,
        count    bigint not null,
        amount   bigint not null,
        primary key (${grain}, metric, currency, country)
      );`;

/**
 * Business KPIs per UTC day (of each event's occurred_at), per country and per
 * currency; counters and money are also kept over all countries per day, week
 * and month (business_period_*), and per country per month (business_country_month_*),
 * active users per day, trailing window, week
 * and month (active-days-fold.ts). It keeps its own
 * copies of the few user and account facts it needs (country, owner, type,
 * currency), so it reads no other read model. KPI definitions: src/domain/metrics/kpis.ts.
 * The country is the coarse `kpi_country` (src/domain/users/kpi-country.ts),
 * never the free-text profile country: it stays readable after an erasure.
 */
export const businessProjection: Projection = {
  name: 'business',
  version: 5,
  tables: ['business_users', 'business_accounts', 'business_counts', 'business_money', 'business_active', 'business_active_days', 'business_active_periods',
    'business_period_counts', 'business_period_money', 'business_period_docs', 'business_country_month_counts', 'business_country_month_money'],
  async setup(tx, schema) {
    await tx.query(`
      create table ${schema}.business_users (
        user_id text primary key,
        country text not null
      );
      create table ${schema}.business_accounts (
        account_number text primary key,
        owner_id       text not null,
        type           text not null,
        currency       text not null
      );
      ${countryTotalTables(schema, 'business_counts', 'business_money', 'day')}
      create table ${schema}.business_active (
        day     date not null,
        user_id text not null,
        country text not null,
        -- The user's previous active day, overall and in this country (null: none before).
        prev_day        date,
        prev_in_country date,
        primary key (day, user_id)
      );
      create index on ${schema}.business_active (user_id, day);
      create index on ${schema}.business_active (user_id, country, day);
      create index on ${schema}.business_active (day) include (prev_day, prev_in_country, country);
      -- The days since the previous one, (prev, day]: a range's distinct users are the rows whose span holds its first day
      -- (one per user active since, however long the history), not every row of the range.
      create index on ${schema}.business_active using gist (daterange(prev_day, day, '(]'));
      create index on ${schema}.business_active using gist (daterange(prev_in_country, day, '(]'));
      create index on ${schema}.business_counts (metric, day) include (value);
      create table ${schema}.business_active_days (
        day       date primary key,
        users     int not null,
        users_7d  int not null,
        users_30d int not null
      );
      create table ${schema}.business_period_counts (
        granularity text not null,
        start       date not null,
        metric      text not null,
        value       bigint not null,
        primary key (granularity, start, metric)
      );
      create table ${schema}.business_period_money (
        granularity text not null,
        start       date not null,
        metric      text not null,
        currency    text not null,
        count       bigint not null,
        amount      bigint not null,
        primary key (granularity, start, metric, currency)
      );
      -- Each period's business_period_counts and _money rows as one document (business-batch.ts, refreshPeriodDocs).
      -- Beside it, the period's counters and its money fields as written in the JSON answers (period-fragments.ts).
      create table ${schema}.business_period_docs (
        granularity   text not null,
        start         date not null,
        doc           json not null,
        new_users     bigint not null,
        new_accounts  bigint not null,
        logins        bigint not null,
        failed_logins bigint not null,
        money_view    text not null,
        primary key (granularity, start)
      );
      -- business_counts and business_money summed per month (its 1st): a range reads its whole months here, its other days there.
      ${countryTotalTables(schema, 'business_country_month_counts', 'business_country_month_money', 'month')}
      create table ${schema}.business_active_periods (
        granularity text not null,
        start       date not null,
        users       int not null,
        primary key (granularity, start)
      );`);
  },
  handles: BUSINESS_HANDLES,
  apply: applyBusinessEvents,
};
