import type { Currency } from '../money/currency.js';
import type { Evidence, Severity } from './events.js';

/** Times are epoch milliseconds of when the fact happened (event time, never the wall clock). */
export interface AuthAttemptFact {
  kind: 'auth_attempt';
  event_id: string;
  attempt: 'login' | 'refresh' | 'logout';
  outcome: 'success' | 'failure' | 'locked' | 'refused';
  user_id: string | null;
  email: string | null;
  ip: string | null;
  country: string | null;
  user_agent: string | null;
  at: number;
}

export interface TransferFact {
  kind: 'transfer';
  event_id: string;
  transfer_id: string;
  account_number: string;
  user_id: string;
  currency: Currency;
  /** Minor units of `currency`, fee excluded. */
  amount: bigint;
  counterparty_account: string;
  at: number;
}

export interface SecurityHitFact {
  kind: 'security_hit';
  event_id: string;
  hit: 'rate_limited' | 'blacklisted_ip' | 'bad_api_key';
  scope: string;
  key: string;
  ip: string | null;
  count: number;
  window_start: string;
  window_end: string;
  at: number;
}

export type RiskFact = AuthAttemptFact | TransferFact | SecurityHitFact;

/** What a rule found: becomes an IncidentRaised. */
export interface Finding {
  rule: string;
  severity: Severity;
  user_id: string | null;
  account_number: string | null;
  ip: string | null;
  evidence: Evidence;
}
