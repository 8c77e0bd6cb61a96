import { monthStart, utcDay, weekStart } from '../../domain/metrics/calendar.js';
import { accountFactOf, accountsNeeded, incrementsOf, type AccountFact, type Increment } from '../../domain/metrics/increments.js';
import { isCurrency } from '../../domain/money/currency.js';
import type { BankRecordedEvent } from '../../eventstore/bank-events.js';
import type { Queryable } from '../../infra/db.js';
import { pgColumns } from '../../infra/pg-array.js';
import { kpiCountry } from '../../domain/users/kpi-country.js';
import { applyActiveDays } from './active-days-batch.js';
import { docTotals } from './business-queries.js';
import { periodFragment } from './period-fragments.js';

/** Country of events not tied to a user, or of users who gave none. */
export const UNKNOWN_COUNTRY = 'Unknown';

/** The events the business read model handles. */
export const BUSINESS_HANDLES = [
  'UserRegistered', 'ProfileUpdated', 'AccountOpened', 'SessionStarted', 'AuthAttemptRecorded',
  'AccountDebited', 'AccountCredited', 'FundsDeposited', 'DebitReversed',
] as const;
type BusinessEvent = BankRecordedEvent<(typeof BUSINESS_HANDLES)[number]>;

/** What the batch does, in event order, once account facts are known. */
type Step = { kind: 'user'; user_id: string; country: string } | { kind: 'inc'; day: string; inc: Increment };

/**
 * Applies a batch to the business tables with a fixed number of statements
 * whatever its size, giving exactly what applying the events one by one gives:
 * account facts are first-wins, a user's country is the last one given, each
 * increment is attributed to the country its user has at that point of the
 * batch, counters and sums add up per (day, key), and a day's active user keeps
 * the country of their first activity that day.
 */
export async function applyBusinessEvents(tx: Queryable, handled: readonly BusinessEvent[], schema: string): Promise<void> {
  if (handled.length === 0) return;

  // Account facts: as stored before the batch, then the batch's own openings (first one wins).
  const numbers = new Set<string>();
  for (const e of handled) {
    if (e.type === 'AccountOpened') {
      const fact = accountFactOf(e.data);
      if (fact) numbers.add(fact.account_number);
    }
    for (const n of accountsNeeded(e)) numbers.add(n);
  }
  const facts = new Map<string, AccountFact>();
  // Every stored row blocks a later opening, even one whose currency the metrics do not know.
  const storedAccounts = new Set<string>();
  if (numbers.size > 0) {
    const rows = await tx.query<{ account_number: string; owner_id: string; type: string; currency: string }>(
      `select account_number, owner_id, type, currency from ${schema}.business_accounts where account_number = any($1::text[])`,
      [[...numbers]],
    );
    for (const r of rows) {
      storedAccounts.add(r.account_number);
      if (isCurrency(r.currency)) facts.set(r.account_number, { owner_id: r.owner_id, type: r.type, currency: r.currency });
    }
  }
  const newAccounts: (AccountFact & { account_number: string })[] = [];

  const steps: Step[] = [];
  const users = new Set<string>();
  for (const e of handled) {
    if (e.type === 'UserRegistered' || e.type === 'ProfileUpdated') {
      const d = e.data;
      const userId = e.type === 'UserRegistered' && typeof e.data.user_id === 'string' ? e.data.user_id : e.stream_id.replace(/^user-/, '');
      // The coarse country kept in clear (events before it: derived the same way from their clear country),
      // so an erasure, which makes the profile country unreadable, leaves the KPIs as they were.
      const country = typeof d.kpi_country === 'string' ? d.kpi_country : kpiCountry(typeof d.country === 'string' ? d.country : '');
      steps.push({ kind: 'user', user_id: userId, country });
      users.add(userId);
    } else if (e.type === 'AccountOpened') {
      const fact = accountFactOf(e.data);
      if (fact && !storedAccounts.has(fact.account_number)) {
        storedAccounts.add(fact.account_number);
        facts.set(fact.account_number, { owner_id: fact.owner_id, type: fact.type, currency: fact.currency });
        newAccounts.push(fact);
      }
    }
    const increments = incrementsOf(e, facts);
    if (increments.length === 0) continue;
    const day = utcDay(e.metadata.occurred_at);
    for (const inc of increments) {
      steps.push({ kind: 'inc', day, inc });
      if (inc.user_id) users.add(inc.user_id);
    }
  }

  // Countries: as stored before the batch, then the batch's own registrations and updates (last one wins).
  const countries = new Map<string, string>();
  if (users.size > 0) {
    const rows = await tx.query<{ user_id: string; country: string }>(
      `select user_id, country from ${schema}.business_users where user_id = any($1::text[])`,
      [[...users]],
    );
    for (const r of rows) countries.set(r.user_id, r.country);
  }
  const userRows = new Map<string, string>();
  const counts = new Map<string, CountRow>();
  const money = new Map<string, MoneyRow>();
  const active = new Map<string, { day: string; user_id: string; country: string }>();
  for (const step of steps) {
    if (step.kind === 'user') {
      countries.set(step.user_id, step.country);
      userRows.set(step.user_id, step.country);
      continue;
    }
    const { day, inc } = step;
    const country = (inc.user_id ? countries.get(inc.user_id) : undefined) || UNKNOWN_COUNTRY;
    if (inc.kind === 'count') {
      const key = JSON.stringify([day, inc.metric, country]);
      const row = counts.get(key);
      if (row) row.value += 1n;
      else counts.set(key, { day, country, metric: inc.metric, value: 1n });
    } else if (inc.kind === 'money') {
      const key = JSON.stringify([day, inc.metric, inc.currency, country]);
      const row = money.get(key);
      if (row) {
        row.count += 1n;
        row.amount += inc.amount;
      } else {
        money.set(key, { day, country, metric: inc.metric, currency: inc.currency, count: 1n, amount: inc.amount });
      }
    } else {
      const key = JSON.stringify([day, inc.user_id]);
      if (!active.has(key)) active.set(key, { day, user_id: inc.user_id, country });
    }
  }

  if (userRows.size > 0) {
    const rows = [...userRows.entries()];
    await tx.query(
      `insert into ${schema}.business_users (user_id, country)
       select * from unnest($1::text[], $2::text[])
       on conflict (user_id) do update set country = excluded.country`,
      [rows.map(([u]) => u), rows.map(([, c]) => c)],
    );
  }
  if (newAccounts.length > 0) {
    await tx.query(
      `insert into ${schema}.business_accounts (account_number, owner_id, type, currency)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[])
       on conflict (account_number) do nothing`,
      [newAccounts.map((r) => r.account_number), newAccounts.map((r) => r.owner_id), newAccounts.map((r) => r.type), newAccounts.map((r) => r.currency)],
    );
  }
  await upsertCountryTotals(tx, schema, 'day', [...counts.values()], [...money.values()]);
  // The same per country per month (its 1st), for ranges over whole months.
  const monthCounts = new Map<string, CountRow>();
  for (const r of counts.values()) {
    const month = monthStart(r.day);
    const key = `${month}|${r.metric}|${r.country}`;
    const row = monthCounts.get(key);
    if (row) row.value += r.value;
    else monthCounts.set(key, { ...r, day: month });
  }
  const monthMoney = new Map<string, MoneyRow>();
  for (const r of money.values()) {
    const month = monthStart(r.day);
    const key = `${month}|${r.metric}|${r.currency}|${r.country}`;
    const row = monthMoney.get(key);
    if (row) {
      row.count += r.count;
      row.amount += r.amount;
    } else monthMoney.set(key, { ...r, day: month });
  }
  await upsertCountryTotals(tx, schema, 'month', [...monthCounts.values()], [...monthMoney.values()]);
  await applyPeriodTotals(tx, schema, counts.values(), money.values());
  await applyActiveDays(tx, schema, [...active.values()]);
}

type CountRow = { day: string; country: string; metric: string; value: bigint };
type MoneyRow = { day: string; country: string; metric: string; currency: string; count: bigint; amount: bigint };

/**
 * Adds counter and money rows per country into the tables of one grain:
 * business_counts and business_money per day (`day` is the day), or
 * business_country_month_* per month (`day` is the month's 1st).
 */
async function upsertCountryTotals(tx: Queryable, schema: string, grain: 'day' | 'month', counts: CountRow[], money: MoneyRow[]): Promise<void> {
  const [countTable, moneyTable, col] =
    grain === 'day' ? ['business_counts', 'business_money', 'day'] : ['business_country_month_counts', 'business_country_month_money', 'month'];
  if (counts.length > 0) {
    await tx.query(
      `insert into ${schema}.${countTable} (${col}, country, metric, value)
       select * from unnest($1::date[], $2::text[], $3::text[], $4::bigint[])
       on conflict (${col}, metric, country) do update set value = ${schema}.${countTable}.value + excluded.value`,
      [counts.map((r) => r.day), counts.map((r) => r.country), counts.map((r) => r.metric), counts.map((r) => r.value.toString())],
    );
  }
  if (money.length > 0) {
    await tx.query(
      `insert into ${schema}.${moneyTable} (${col}, country, metric, currency, count, amount)
       select * from unnest($1::date[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[])
       on conflict (${col}, metric, currency, country) do update
         set count = ${schema}.${moneyTable}.count + excluded.count, amount = ${schema}.${moneyTable}.amount + excluded.amount`,
      [
        money.map((r) => r.day), money.map((r) => r.country), money.map((r) => r.metric), money.map((r) => r.currency),
        money.map((r) => r.count.toString()), money.map((r) => r.amount.toString()),
      ],
    );
  }
}

/**
 * The same counters and sums over every country, per day, week (its Monday)
 * and month (its 1st): what /business/daily, weekly and monthly read, a few
 * rows a period however many countries and days.
 */
async function applyPeriodTotals(
  tx: Queryable,
  schema: string,
  counts: Iterable<{ day: string; metric: string; value: bigint }>,
  money: Iterable<{ day: string; metric: string; currency: string; count: bigint; amount: bigint }>,
): Promise<void> {
  const starts = (day: string) => [['day', day], ['week', weekStart(day)], ['month', monthStart(day)]] as const;
  const c = new Map<string, { granularity: string; start: string; metric: string; value: bigint }>();
  for (const r of counts) {
    for (const [granularity, start] of starts(r.day)) {
      const key = `${granularity}|${start}|${r.metric}`;
      const row = c.get(key);
      if (row) row.value += r.value;
      else c.set(key, { granularity, start, metric: r.metric, value: r.value });
    }
  }
  const m = new Map<string, { granularity: string; start: string; metric: string; currency: string; count: bigint; amount: bigint }>();
  for (const r of money) {
    for (const [granularity, start] of starts(r.day)) {
      const key = `${granularity}|${start}|${r.metric}|${r.currency}`;
      const row = m.get(key);
      if (row) {
        row.count += r.count;
        row.amount += r.amount;
      } else m.set(key, { granularity, start, metric: r.metric, currency: r.currency, count: r.count, amount: r.amount });
    }
  }
  if (c.size > 0) {
    const rows = [...c.values()];
    await tx.query(
      `insert into ${schema}.business_period_counts (granularity, start, metric, value)
       select * from unnest($1::text[], $2::date[], $3::text[], $4::bigint[])
       on conflict (granularity, start, metric) do update set value = ${schema}.business_period_counts.value + excluded.value`,
      [rows.map((r) => r.granularity), rows.map((r) => r.start), rows.map((r) => r.metric), rows.map((r) => r.value.toString())],
    );
  }
  if (m.size > 0) {
    const rows = [...m.values()];
    await tx.query(
      `insert into ${schema}.business_period_money (granularity, start, metric, currency, count, amount)
       select * from unnest($1::text[], $2::date[], $3::text[], $4::text[], $5::bigint[], $6::bigint[])
       on conflict (granularity, start, metric, currency) do update
         set count = ${schema}.business_period_money.count + excluded.count, amount = ${schema}.business_period_money.amount + excluded.amount`,
      [
        rows.map((r) => r.granularity), rows.map((r) => r.start), rows.map((r) => r.metric), rows.map((r) => r.currency),
        rows.map((r) => r.count.toString()), rows.map((r) => r.amount.toString()),
      ],
    );
  }
  const touched = new Map<string, { granularity: string; start: string }>();
  for (const r of [...c.values(), ...m.values()]) touched.set(`${r.granularity}|${r.start}`, r);
  await refreshPeriodDocs(tx, schema, [...touched.values()]);
}

/**
 * Rewrites the one-row summaries of the given periods (all of them when none
 * are given) from their counters and sums: business_period_docs holds each
 * period's rows as one JSON document (in key order, so a rebuild writes the
 * same text), so a year of days is 365 rows to read, not the ~25 rows a day of
 * business_period_counts and _money; and beside it the period's fragment of
 * the JSON answers (period-fragments.ts), rendered here from that document.
 */
export async function refreshPeriodDocs(tx: Queryable, schema: string, periods?: { granularity: string; start: string }[]): Promise<void> {
  if (periods?.length === 0) return;
  const keys = periods
    ? `unnest($1::text[], $2::date[]) as t(granularity, start)`
    : `(select granularity, start from ${schema}.business_period_counts union select granularity, start from ${schema}.business_period_money) t`;
  const of = (table: string) => `from ${schema}.${table} x where x.granularity = t.granularity and x.start = t.start`;
  const docs = await tx.query<{ granularity: string; start: string; doc: string }>(
    `select t.granularity, t.start::text as start, json_build_object(
              'c', coalesce((select json_agg(json_build_array(metric, value::text) order by metric) ${of('business_period_counts')}), '[]'),
              'm', coalesce((select json_agg(json_build_array(metric, currency, count::text, amount::text) order by metric, currency) ${of('business_period_money')}), '[]'))::text as doc
       from ${keys}`,
    periods ? [periods.map((p) => p.granularity), periods.map((p) => p.start)] : [],
  );
  const rows = docs.map((d) => ({ ...d, ...periodFragment(docTotals(d.doc)) }));
  await tx.query(
    `insert into ${schema}.business_period_docs (granularity, start, doc, new_users, new_accounts, logins, failed_logins, money_view)
     select * from unnest($1::text[], $2::date[], $3::json[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::text[])
     on conflict (granularity, start) do update set doc = excluded.doc, new_users = excluded.new_users, new_accounts = excluded.new_accounts,
       logins = excluded.logins, failed_logins = excluded.failed_logins, money_view = excluded.money_view`,
    pgColumns(rows, ['granularity', 'start', 'doc', 'new_users', 'new_accounts', 'logins', 'failed_logins', 'money']),
  );
}
