import { emptyTotals, type PeriodTotals } from '../../domain/metrics/kpis.js';
import { periodView } from './business-views.js';

/**
 * What business_period_docs keeps of a period beside its document, rendered
 * once by the projection so an answer over many periods is stored text put
 * together, not objects built and serialized per request: its counters, and
 * its money fields (deposits_count to fx_volume) exactly as periodView writes
 * them in a /business answer, without the enclosing braces. Stored text:
 * a change to periodView, formatAmount or CURRENCIES must bump the business
 * projection's version, so the fragments are rebuilt with it.
 */
export interface PeriodFragment {
  new_users: number;
  new_accounts: number;
  logins: number;
  failed_logins: number;
  money: string;
}

export function periodFragment(t: PeriodTotals): PeriodFragment {
  // The fields before the money ones come from elsewhere (running totals, active users) or are kept as numbers.
  const { new_users, total_users: _u, new_accounts, total_accounts: _a, logins, failed_logins, active_users: _d, ...money } = periodView(t, { users: 0, accounts: 0 });
  return { new_users, new_accounts, logins, failed_logins, money: JSON.stringify(money).slice(1, -1) };
}

/** The money fields of a period without any event. */
export const EMPTY_MONEY = periodFragment(emptyTotals()).money;
