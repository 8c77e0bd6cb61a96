import { randomUUID } from 'node:crypto';
import { authAttemptRecorded, type AuthAttempt, type AuthAttemptKind, type AuthAttemptOutcome } from '../../domain/security/auth-attempts.js';
import type { AppendResult, EventStore } from '../../eventstore/port.js';
import type { CountryLookup } from '../../infra/geoip.js';
import { toNewEvent } from '../shared/new-event.js';
import type { CommandContext } from '../shared/command-context.js';
import { deterministicId } from '../shared/ids.js';
import { emailHash } from '../users/email-index.js';

export interface AttemptInput {
  attempt_id?: string;
  kind: AuthAttemptKind;
  outcome: AuthAttemptOutcome;
  user_id: string | null;
  email: string | null;
  user_agent: string | null;
  reason: string | null;
}

/**
 * `auth-attempts-<user_id>`, or `auth-attempts-anon-<keyed hash of the email>`
 * when no user matches: the name says nothing to whoever guesses an email.
 */
export const authAttemptsStream = (userId: string | null, email: string | null, emailKey: Buffer): string =>
  userId ? `auth-attempts-${userId}` : `auth-attempts-anon-${emailHash(emailKey, email ?? '').slice(0, 32)}`;

/**
 * Appends one AuthAttemptRecorded (with the country of the context's IP) to
 * the user's attempts stream. A record, not a decision: no aggregate is loaded.
 */
export async function recordAuthAttempt(store: EventStore, geo: CountryLookup, emailKey: Buffer, context: CommandContext, input: AttemptInput): Promise<AppendResult> {
  const attempt: AuthAttempt = {
    attempt_id: input.attempt_id ?? randomUUID(),
    kind: input.kind,
    outcome: input.outcome,
    user_id: input.user_id,
    email: input.email === null ? null : input.email.trim().toLowerCase(),
    ip: context.actor.ip,
    country: await geo.country(context.actor.ip),
    user_agent: input.user_agent,
    reason: input.reason,
    occurred_at: context.now.toISOString(),
  };
  const event = authAttemptRecorded(attempt);
  return store.append(authAttemptsStream(attempt.user_id, attempt.email, emailKey), [toNewEvent(event, deterministicId('auth-attempt', attempt.attempt_id), context)], 'any');
}
