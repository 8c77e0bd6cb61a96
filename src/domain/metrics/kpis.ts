import type { Currency } from '../money/currency.js';
import { zeroPerCurrency, type PerCurrency } from './per-currency.js';

/**
 * The KPI catalogue. Every KPI counts events by the UTC date of their
 * `occurred_at`; each definition names the event it comes from, so confirmed
 * high-value transfers and every successful login count, and a bill is a bill
 * (never also a transfer).
 *
 * Counters (whole numbers):
 * - new_users: UserRegistered.
 * - new_accounts: AccountOpened of customer accounts (not the bank's own).
 * - logins: successful logins, one per SessionStarted (every password login
 *   starts a session; refresh rotations and logouts are not logins).
 * - failed_logins: AuthAttemptRecorded with kind login and any outcome but
 *   success (successes are taken from SessionStarted only, so none is counted twice).
 *
 * Money (per currency, integer minor units, with how many events made each):
 * - deposits: deposits credited to customer accounts (AccountCredited kind
 *   deposit, or FundsDeposited).
 * - internal_transfers / external_transfers: AccountDebited of a customer
 *   account with that kind, amount without fee, in the sender's currency.
 *   A pending high-value transfer is debited when confirmed, so it counts then.
 * - bill_payments: AccountDebited kind bill, in the payer's currency.
 * - reversals: DebitReversed on customer accounts (amount and fee given back).
 * - fees_collected: credits to the bank's fee accounts (fees actually settled).
 * - fx_volume: the sender-side amount of debits that crossed currencies.
 *
 * Active users: distinct users with a successful login in the period (DAU per
 * day; active_users_7d and _30d are distinct users over the trailing 7 and 30
 * days; a week or month counts distinct users, never a sum of days).
 */
export const COUNTERS = ['new_users', 'new_accounts', 'logins', 'failed_logins'] as const;
export type Counter = (typeof COUNTERS)[number];

export const MONEY_METRICS = ['deposits', 'internal_transfers', 'external_transfers', 'bill_payments', 'reversals', 'fees_collected', 'fx_volume'] as const;
export type MoneyMetric = (typeof MONEY_METRICS)[number];

export interface MoneyTotal {
  count: Record<Currency, number>;
  amount: PerCurrency;
}

/** What a period (a day, week, month or any range) adds up to. */
export interface PeriodTotals {
  counters: Record<Counter, number>;
  money: Record<MoneyMetric, MoneyTotal>;
  /** Distinct users with a successful login in the period. */
  active_users: number;
}

export function emptyMoneyTotal(): MoneyTotal {
  return { count: { JOD: 0, USD: 0, EUR: 0 }, amount: zeroPerCurrency() };
}

export function emptyTotals(): PeriodTotals {
  const counters = {} as Record<Counter, number>;
  for (const c of COUNTERS) counters[c] = 0;
  const money = {} as Record<MoneyMetric, MoneyTotal>;
  for (const m of MONEY_METRICS) money[m] = emptyMoneyTotal();
  return { counters, money, active_users: 0 };
}

export const isCounter = (v: string): v is Counter => (COUNTERS as readonly string[]).includes(v);
export const isMoneyMetric = (v: string): v is MoneyMetric => (MONEY_METRICS as readonly string[]).includes(v);

/**
 * Adds `from`'s counters and money into `into`. Active users are distinct
 * people, so they are never summed: the caller sets them from a distinct count.
 */
export function addTotals(into: PeriodTotals, from: PeriodTotals): PeriodTotals {
  for (const c of COUNTERS) into.counters[c] += from.counters[c];
  for (const m of MONEY_METRICS) {
    for (const cur of Object.keys(into.money[m].amount) as Currency[]) {
      into.money[m].amount[cur] += from.money[m].amount[cur];
      into.money[m].count[cur] += from.money[m].count[cur];
    }
  }
  return into;
}
