import type { Projection } from '../runtime/projection.js';
import { applyBusinessEvents, BUSINESS_HANDLES } from './business-batch.js';

export { UNKNOWN_COUNTRY } from './business-batch.js';

/**
 * Business KPIs per UTC day (of each event's occurred_at), per country and per
 * currency; weeks, months and windows are summed on read. It keeps its own
 * copies of the few user and account facts it needs (country, owner, type,
 * currency), so it reads no other read model. KPI definitions: src/domain/metrics/kpis.ts.
 * The country is the coarse `kpi_country` (src/domain/users/kpi-country.ts),
 * never the free-text profile country: it stays readable after an erasure.
 */
export const businessProjection: Projection = {
  name: 'business',
  version: 2,
  tables: ['business_users', 'business_accounts', 'business_counts', 'business_money', 'business_active'],
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
        primary key (day, user_id)
      );`);
  },
  handles: BUSINESS_HANDLES,
  apply: applyBusinessEvents,
};
