import type { RiskFact } from '../../domain/risk/facts.js';
import { isCurrency } from '../../domain/money/currency.js';
import type { RecordedEvent } from '../../eventstore/port.js';
import { ERASED } from '../../privacy/sealed-value.js';
import { accountAggregate, accountStream } from '../../commands/accounts/account-aggregate.js';
import { BANK_OWNER_ID } from '../../commands/accounts/system-accounts.js';
import type { AggregateRepository } from '../../commands/shared/aggregate-repository.js';

/** A present string; an erased personal field tells the rules nothing. */
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' && v !== ERASED ? v : null);
const timeOf = (e: RecordedEvent, field: unknown): number => {
  const t = typeof field === 'string' ? Date.parse(field) : NaN;
  if (Number.isFinite(t)) return t;
  const m = Date.parse(e.metadata.occurred_at);
  return Number.isFinite(m) ? m : e.recorded_at.getTime();
};

const ATTEMPTS = ['login', 'refresh', 'logout'];
const OUTCOMES = ['success', 'failure', 'locked', 'refused'];
const HITS = ['rate_limited', 'blacklisted_ip', 'bad_api_key'];

/**
 * The fact a stored event tells the rules, or null when none of them cares.
 * A customer transfer is an internal or external debit of a customer account;
 * its owner and currency come from the account's own stream.
 */
export async function factOf(event: RecordedEvent, repo: AggregateRepository): Promise<RiskFact | null> {
  const d = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'AuthAttemptRecorded':
      if (!ATTEMPTS.includes(String(d.kind)) || !OUTCOMES.includes(String(d.outcome))) return null;
      return {
        kind: 'auth_attempt',
        event_id: event.event_id,
        attempt: d.kind as 'login',
        outcome: d.outcome as 'success',
        user_id: str(d.user_id),
        email: str(d.email),
        ip: str(d.ip),
        country: str(d.country),
        user_agent: str(d.user_agent),
        at: timeOf(event, d.occurred_at),
      };
    case 'SecurityHitsRecorded':
      if (!HITS.includes(String(d.kind))) return null;
      return {
        kind: 'security_hit',
        event_id: event.event_id,
        hit: d.kind as 'rate_limited',
        scope: String(d.scope ?? ''),
        key: String(d.key ?? ''),
        ip: str(d.ip),
        count: Number(d.count ?? 0),
        window_start: String(d.window_start ?? ''),
        window_end: String(d.window_end ?? ''),
        at: timeOf(event, d.window_end),
      };
    case 'AccountDebited': {
      if (d.kind !== 'internal' && d.kind !== 'external') return null;
      const accountNumber = event.stream_id.replace(/^account-/, '');
      // Owner and currency never change: a remembered state will do.
      const { state } = await repo.load(accountAggregate, accountStream(accountNumber), { cached: true });
      if (!state.exists || state.owner_id === BANK_OWNER_ID || !isCurrency(state.currency)) return null;
      return {
        kind: 'transfer',
        event_id: event.event_id,
        transfer_id: String(d.transfer_id),
        account_number: accountNumber,
        user_id: state.owner_id,
        currency: state.currency,
        amount: BigInt(String(d.amount)),
        counterparty_account: String(d.counterparty_account ?? ''),
        at: timeOf(event, undefined),
      };
    }
    default:
      return null;
  }
}
