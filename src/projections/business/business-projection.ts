import type { Projection } from '../runtime/projection.js';
import { applyBusinessEvents, BUSINESS_HANDLES } from './business-batch.js';

export { UNKNOWN_COUNTRY } from './business-batch.js';

/**
 * Business KPIs per UTC day (of each event's occurred_at), per country and per
 * currency; counters and money are also kept over all countries per day, week
 * and month (business_period_*), active users per day, trailing window, week
 * and month (active-days-fold.ts). It keeps its own
 * copies of the few user and account facts it needs (country, owner, type,
 * currency), so it reads no other read model. KPI definitions: src/domain/metrics/kpis.ts.
 * The country is the coarse `kpi_country` (src/domain/users/kpi-country.ts),
 * never the free-text profile country: it stays readable after an erasure.
 */
export const businessProjection: Projection = {
  name: 'business',
  version: 3,
  tables: ['business_users', 'business_accounts', 'business_counts', 'business_money', 'business_active', 'business_active_days', 'business_active_periods',
    'business_period_counts', 'business_period_money'],
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
      create table ${schema}.business_counts (
        day     date not null,
        country text not null,
        metric  text not null,
        value   bigint not null,
        primary key (day, metric, country)
      );
      create table ${schema}.business_money (
        day      date not null,
        country  text not null,
        metric   text not null,
        currency text not null,
        count    bigint not null,
        amount   bigint not null,
        primary key (day, metric, currency, country)
      );
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
