import { SYSTEM_ACCOUNT_TYPES } from '../accounts/events.js';
import { isCurrency, type Currency } from '../money/currency.js';
import type { Counter, MoneyMetric } from './kpis.js';
import { accountOfStream } from '../accounts/sub-streams.js';

/** What the metrics need to know about an account (kept by the metrics read model itself). */
export interface AccountFact {
  owner_id: string;
  type: string;
  currency: Currency;
}

export interface MetricEvent {
  type: string;
  stream_id: string;
  data: Record<string, unknown>;
}

/** One change to the KPIs; `user_id` attributes it to a user (and so to a country). */
export type Increment =
  | { kind: 'count'; metric: Counter; user_id: string | null }
  | { kind: 'money'; metric: MoneyMetric; user_id: string | null; currency: Currency; amount: bigint }
  | { kind: 'active'; user_id: string };

const accountOf = (e: MetricEvent) => accountOfStream(e.stream_id);
const isSystem = (a: AccountFact) => (SYSTEM_ACCOUNT_TYPES as readonly string[]).includes(a.type);
const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null);

/** The accounts whose facts `incrementsOf` needs for this event (to fetch them first). */
export function accountsNeeded(e: MetricEvent): string[] {
  switch (e.type) {
    case 'AccountDebited':
    case 'DebitReversed':
    case 'FundsDeposited':
      return [accountOf(e)];
    case 'AccountCredited':
      return [accountOf(e), String(e.data.counterparty_account ?? '')].filter((n) => n.length > 0);
    default:
      return [];
  }
}

/**
 * The KPI increments one event makes (definitions in kpis.ts). Pure: account
 * facts come in through `accounts`, and an event about an account the metrics
 * never saw opened changes nothing.
 */
export function incrementsOf(e: MetricEvent, accounts: ReadonlyMap<string, AccountFact>): Increment[] {
  const d = e.data;
  switch (e.type) {
    case 'UserRegistered':
      return [{ kind: 'count', metric: 'new_users', user_id: str(d.user_id) }];
    case 'AccountOpened': {
      if (d.owner_id === 'bank' || (SYSTEM_ACCOUNT_TYPES as readonly unknown[]).includes(d.type)) return [];
      return [{ kind: 'count', metric: 'new_accounts', user_id: str(d.owner_id) }];
    }
    case 'SessionStarted': {
      const user = str(d.user_id);
      return user ? [{ kind: 'count', metric: 'logins', user_id: user }, { kind: 'active', user_id: user }] : [];
    }
    case 'AuthAttemptRecorded':
      return d.kind === 'login' && d.outcome !== 'success' ? [{ kind: 'count', metric: 'failed_logins', user_id: str(d.user_id) }] : [];
    case 'AccountDebited': {
      const account = accounts.get(accountOf(e));
      if (!account || isSystem(account)) return [];
      const metric: MoneyMetric | undefined =
        d.kind === 'internal' ? 'internal_transfers' : d.kind === 'external' ? 'external_transfers' : d.kind === 'bill' ? 'bill_payments' : undefined;
      if (!metric) return [];
      const amount = BigInt(String(d.amount));
      const base = { kind: 'money', user_id: account.owner_id, currency: account.currency, amount } as const;
      const fx = d.fx !== null && d.fx !== undefined ? [{ ...base, metric: 'fx_volume' as const }] : [];
      return [{ ...base, metric }, ...fx];
    }
    case 'AccountCredited': {
      const account = accounts.get(accountOf(e));
      if (!account) return [];
      const amount = BigInt(String(d.amount));
      if (account.type === 'BankFees') {
        const payer = accounts.get(String(d.counterparty_account ?? ''));
        return [{ kind: 'money', metric: 'fees_collected', user_id: payer?.owner_id ?? null, currency: account.currency, amount }];
      }
      if (d.kind === 'deposit' && !isSystem(account)) {
        return [{ kind: 'money', metric: 'deposits', user_id: account.owner_id, currency: account.currency, amount }];
      }
      return [];
    }
    case 'FundsDeposited': {
      const account = accounts.get(accountOf(e));
      if (!account || isSystem(account)) return [];
      return [{ kind: 'money', metric: 'deposits', user_id: account.owner_id, currency: account.currency, amount: BigInt(String(d.amount)) }];
    }
    case 'DebitReversed': {
      const account = accounts.get(accountOf(e));
      if (!account || isSystem(account)) return [];
      return [{ kind: 'money', metric: 'reversals', user_id: account.owner_id, currency: account.currency, amount: BigInt(String(d.amount)) }];
    }
    default:
      return [];
  }
}

/** An account fact from an AccountOpened payload, if it names a supported currency. */
export function accountFactOf(d: Record<string, unknown>): (AccountFact & { account_number: string }) | undefined {
  if (typeof d.account_number !== 'string' || !isCurrency(d.currency)) return undefined;
  return { account_number: d.account_number, owner_id: String(d.owner_id ?? ''), type: String(d.type ?? ''), currency: d.currency };
}
