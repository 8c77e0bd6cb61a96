import { utcDay } from '../../domain/metrics/calendar.js';
import { accountFactOf, accountsNeeded, incrementsOf, type AccountFact, type Increment } from '../../domain/metrics/increments.js';
import { isCurrency } from '../../domain/money/currency.js';
import type { RecordedEvent } from '../../eventstore/port.js';
import type { Queryable } from '../../infra/db.js';
import type { Projection } from '../runtime/projection.js';

/** Country of events not tied to a user, or of users who gave none. */
export const UNKNOWN_COUNTRY = 'Unknown';

/**
 * Business KPIs per UTC day (of each event's occurred_at), per country and per
 * currency; weeks, months and windows are summed on read. It keeps its own
 * copies of the few user and account facts it needs (country, owner, type,
 * currency), so it reads no other read model. KPI definitions: src/domain/metrics/kpis.ts.
 */
async function accountFacts(tx: Queryable, schema: string, numbers: string[]): Promise<Map<string, AccountFact>> {
  const facts = new Map<string, AccountFact>();
  if (numbers.length === 0) return facts;
  const rows = await tx.query<{ account_number: string; owner_id: string; type: string; currency: string }>(
    `select account_number, owner_id, type, currency from ${schema}.business_accounts where account_number = any($1::text[])`,
    [numbers],
  );
  for (const r of rows) if (isCurrency(r.currency)) facts.set(r.account_number, { owner_id: r.owner_id, type: r.type, currency: r.currency });
  return facts;
}

async function countryOf(tx: Queryable, schema: string, userId: string | null): Promise<string> {
  if (!userId) return UNKNOWN_COUNTRY;
  const rows = await tx.query<{ country: string }>(`select country from ${schema}.business_users where user_id = $1`, [userId]);
  return rows[0]?.country || UNKNOWN_COUNTRY;
}

async function record(tx: Queryable, schema: string, day: string, inc: Increment): Promise<void> {
  const country = await countryOf(tx, schema, inc.user_id);
  if (inc.kind === 'count') {
    await tx.query(
      `insert into ${schema}.business_counts (day, country, metric, value) values ($1::date, $2, $3, 1)
       on conflict (day, metric, country) do update set value = ${schema}.business_counts.value + 1`,
      [day, country, inc.metric],
    );
  } else if (inc.kind === 'money') {
    await tx.query(
      `insert into ${schema}.business_money (day, country, metric, currency, count, amount) values ($1::date, $2, $3, $4, 1, $5::bigint)
       on conflict (day, metric, currency, country) do update
         set count = ${schema}.business_money.count + 1, amount = ${schema}.business_money.amount + excluded.amount`,
      [day, country, inc.metric, inc.currency, inc.amount.toString()],
    );
  } else {
    await tx.query(
      `insert into ${schema}.business_active (day, user_id, country) values ($1::date, $2, $3) on conflict (day, user_id) do nothing`,
      [day, inc.user_id, country],
    );
  }
}

/** Keeps the user and account facts later events are attributed with. */
async function rememberFacts(tx: Queryable, schema: string, e: RecordedEvent): Promise<void> {
  const d = e.data as Record<string, unknown>;
  if (e.type === 'UserRegistered' || e.type === 'ProfileUpdated') {
    const userId = typeof d.user_id === 'string' ? d.user_id : e.stream_id.replace(/^user-/, '');
    const country = typeof d.country === 'string' ? d.country.trim() : '';
    await tx.query(
      `insert into ${schema}.business_users (user_id, country) values ($1, $2)
       on conflict (user_id) do update set country = excluded.country`,
      [userId, country],
    );
  } else if (e.type === 'AccountOpened') {
    const fact = accountFactOf(d);
    if (!fact) return;
    await tx.query(
      `insert into ${schema}.business_accounts (account_number, owner_id, type, currency) values ($1, $2, $3, $4)
       on conflict (account_number) do nothing`,
      [fact.account_number, fact.owner_id, fact.type, fact.currency],
    );
  }
}

const HANDLED = new Set([
  'UserRegistered', 'ProfileUpdated', 'AccountOpened', 'SessionStarted', 'AuthAttemptRecorded',
  'AccountDebited', 'AccountCredited', 'FundsDeposited', 'DebitReversed',
]);

export const businessProjection: Projection = {
  name: 'business',
  version: 1,
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
  async apply(tx, events, schema) {
    for (const e of events) {
      if (!HANDLED.has(e.type)) continue;
      await rememberFacts(tx, schema, e);
      const event = { type: e.type, stream_id: e.stream_id, data: e.data as Record<string, unknown> };
      const increments = incrementsOf(event, await accountFacts(tx, schema, accountsNeeded(event)));
      const day = utcDay(e.metadata.occurred_at);
      for (const inc of increments) await record(tx, schema, day, inc);
    }
  },
};
