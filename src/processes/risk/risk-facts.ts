import type { AuthAttemptFact, RiskFact } from '../../domain/risk/facts.js';
import { isCurrency } from '../../domain/money/currency.js';
import type { BankRecordedEvent } from '../../eventstore/bank-events.js';
import type { AuthAttemptKind, AuthAttemptOutcome } from '../../domain/security/auth-attempts.js';
import type { SecurityHitKind } from '../../domain/security/security-hits.js';
import { ERASED } from '../../privacy/sealed-value.js';
import { accountAggregate, accountStream } from '../../commands/accounts/account-aggregate.js';
import { BANK_OWNER_ID } from '../../commands/accounts/system-accounts.js';
import type { AggregateRepository } from '../../commands/shared/aggregate-repository.js';
import { accountOfStream } from '../../domain/accounts/sub-streams.js';

/** A present string; an erased personal field tells the rules nothing. */
const str = (v: string | null | undefined): string | null => (typeof v === 'string' && v !== '' && v !== ERASED ? v : null);
const timeOf = (e: RiskFactEvent, field: string | undefined): number => {
  const t = typeof field === 'string' ? Date.parse(field) : NaN;
  if (Number.isFinite(t)) return t;
  const m = Date.parse(e.metadata.occurred_at);
  return Number.isFinite(m) ? m : e.recorded_at.getTime();
};

const ATTEMPTS: readonly AuthAttemptKind[] = ['login', 'refresh', 'logout'];
/** The outcomes the rules know (a 2FA challenge is not one). */
const OUTCOMES: readonly AuthAttemptOutcome[] = ['success', 'failure', 'locked', 'refused'];
const isRuleOutcome = (o: AuthAttemptOutcome): o is AuthAttemptFact['outcome'] => OUTCOMES.includes(o);
const HITS: readonly SecurityHitKind[] = ['rate_limited', 'blacklisted_ip', 'bad_api_key'];

/** The events that can tell the rules a fact. */
export const RISK_FACT_EVENTS = ['AuthAttemptRecorded', 'SecurityHitsRecorded', 'AccountDebited'] as const;
export type RiskFactEvent = BankRecordedEvent<(typeof RISK_FACT_EVENTS)[number]>;

/**
 * The fact a stored event tells the rules, or null when none of them cares.
 * A customer transfer is an internal or external debit of a customer account;
 * its owner and currency come from the account's own stream.
 */
export async function factOf(event: RiskFactEvent, repo: AggregateRepository): Promise<RiskFact | null> {
  switch (event.type) {
    case 'AuthAttemptRecorded': {
      const d = event.data;
      // Checked, not trusted: a kind or outcome the rules do not know tells them nothing.
      const outcome = d.outcome;
      if (!ATTEMPTS.includes(d.kind) || !isRuleOutcome(outcome)) return null;
      return {
        kind: 'auth_attempt',
        event_id: event.event_id,
        attempt: d.kind,
        outcome,
        user_id: str(d.user_id),
        email: str(d.email),
        ip: str(d.ip),
        country: str(d.country),
        user_agent: str(d.user_agent),
        at: timeOf(event, d.occurred_at),
      };
    }
    case 'SecurityHitsRecorded': {
      const d = event.data;
      if (!HITS.includes(d.kind)) return null;
      return {
        kind: 'security_hit',
        event_id: event.event_id,
        hit: d.kind,
        scope: d.scope ?? '',
        key: d.key ?? '',
        ip: str(d.ip),
        count: Number(d.count ?? 0),
        window_start: d.window_start ?? '',
        window_end: d.window_end ?? '',
        at: timeOf(event, d.window_end),
      };
    }
    case 'AccountDebited': {
      const d = event.data;
      if (d.kind !== 'internal' && d.kind !== 'external') return null;
      const accountNumber = accountOfStream(event.stream_id);
      // Owner and currency never change: a remembered state will do.
      const { state } = await repo.load(accountAggregate, accountStream(accountNumber), { cached: true });
      if (!state.exists || state.owner_id === BANK_OWNER_ID || !isCurrency(state.currency)) return null;
      return {
        kind: 'transfer',
        event_id: event.event_id,
        transfer_id: d.transfer_id,
        account_number: accountNumber,
        user_id: state.owner_id,
        currency: state.currency,
        amount: BigInt(d.amount),
        counterparty_account: d.counterparty_account ?? '',
        at: timeOf(event, undefined),
      };
    }
  }
}
