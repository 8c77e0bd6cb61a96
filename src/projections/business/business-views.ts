import type { PeriodTotals } from '../../domain/metrics/kpis.js';
import { averagePerCurrency, sumPerCurrency, type PerCurrency } from '../../domain/metrics/per-currency.js';
import { formatAmount } from '../../domain/money/amount.js';
import { CURRENCIES, type Currency } from '../../domain/money/currency.js';

/** JSON shapes of openapi/business.yaml. Money: decimal strings, one per currency. */
export type CurrencyAmounts = Record<Currency, string>;

export interface PeriodView {
  new_users: number;
  total_users: number;
  new_accounts: number;
  total_accounts: number;
  logins: number;
  failed_logins: number;
  active_users: number;
  deposits_count: number;
  deposits_amount: CurrencyAmounts;
  internal_transfers_count: number;
  internal_transfers_amount: CurrencyAmounts;
  external_transfers_count: number;
  external_transfers_amount: CurrencyAmounts;
  transfers_count: number;
  transfers_amount: CurrencyAmounts;
  avg_transfer_amount: CurrencyAmounts;
  bill_payments_count: number;
  bill_payments_amount: CurrencyAmounts;
  reversals_count: number;
  reversals_amount: CurrencyAmounts;
  fees_collected: CurrencyAmounts;
  fx_volume: CurrencyAmounts;
}

/** One decimal string per currency, in CURRENCIES order (written out: a year of days formats ~14k of them). */
export const amounts = (p: PerCurrency): CurrencyAmounts => {
  const out = {} as CurrencyAmounts;
  for (const c of CURRENCIES) out[c] = formatAmount(p[c], c);
  return out;
};

const countOf = (count: Record<Currency, number>) => CURRENCIES.reduce((n, c) => n + count[c], 0);

/** Running totals at the end of the period. */
export interface Running {
  users: number;
  accounts: number;
}

export function periodView(t: PeriodTotals, running: Running): PeriodView {
  const m = t.money;
  const transferAmount = sumPerCurrency(m.internal_transfers.amount, m.external_transfers.amount);
  const transferCounts = {} as Record<Currency, number>;
  for (const c of CURRENCIES) transferCounts[c] = m.internal_transfers.count[c] + m.external_transfers.count[c];
  return {
    new_users: t.counters.new_users,
    total_users: running.users,
    new_accounts: t.counters.new_accounts,
    total_accounts: running.accounts,
    logins: t.counters.logins,
    failed_logins: t.counters.failed_logins,
    active_users: t.active_users,
    deposits_count: countOf(m.deposits.count),
    deposits_amount: amounts(m.deposits.amount),
    internal_transfers_count: countOf(m.internal_transfers.count),
    internal_transfers_amount: amounts(m.internal_transfers.amount),
    external_transfers_count: countOf(m.external_transfers.count),
    external_transfers_amount: amounts(m.external_transfers.amount),
    transfers_count: countOf(transferCounts),
    transfers_amount: amounts(transferAmount),
    avg_transfer_amount: amounts(averagePerCurrency(transferAmount, transferCounts)),
    bill_payments_count: countOf(m.bill_payments.count),
    bill_payments_amount: amounts(m.bill_payments.amount),
    reversals_count: countOf(m.reversals.count),
    reversals_amount: amounts(m.reversals.amount),
    fees_collected: amounts(m.fees_collected.amount),
    fx_volume: amounts(m.fx_volume.amount),
  };
}

export interface CurrencyView {
  currency: Currency;
  deposits_count: number;
  deposits_amount: string;
  transfers_count: number;
  transfers_amount: string;
  bill_payments_count: number;
  bill_payments_amount: string;
  reversals_count: number;
  reversals_amount: string;
  fees_collected: string;
  fx_volume: string;
}

/** One row per supported currency: never a sum across currencies. */
export function currencyViews(t: PeriodTotals): CurrencyView[] {
  const m = t.money;
  return CURRENCIES.map((c) => ({
    currency: c,
    deposits_count: m.deposits.count[c],
    deposits_amount: formatAmount(m.deposits.amount[c], c),
    transfers_count: m.internal_transfers.count[c] + m.external_transfers.count[c],
    transfers_amount: formatAmount(m.internal_transfers.amount[c] + m.external_transfers.amount[c], c),
    bill_payments_count: m.bill_payments.count[c],
    bill_payments_amount: formatAmount(m.bill_payments.amount[c], c),
    reversals_count: m.reversals.count[c],
    reversals_amount: formatAmount(m.reversals.amount[c], c),
    fees_collected: formatAmount(m.fees_collected.amount[c], c),
    fx_volume: formatAmount(m.fx_volume.amount[c], c),
  }));
}
