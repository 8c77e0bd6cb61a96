import type { DomainEvent } from '../shared/event.js';

/** Sign-ins, token refreshes and logouts, each recorded whatever its outcome. */
export type AuthAttemptKind = 'login' | 'refresh' | 'logout';
/**
 * `locked`: refused by a lockout before the password was checked; `refused`:
 * refused for another reason (before any credential check, or a right
 * password that is not enough alone: `second_factor_required`);
 * `challenged`: the password was right and a second factor was asked for
 * (the login succeeds, as `success`, only when it is answered).
 */
export type AuthAttemptOutcome = 'success' | 'failure' | 'locked' | 'refused' | 'challenged';

export interface AuthAttempt {
  attempt_id: string;
  kind: AuthAttemptKind;
  outcome: AuthAttemptOutcome;
  user_id: string | null;
  email: string | null;
  ip: string | null;
  country: string | null;
  user_agent: string | null;
  reason: string | null;
  occurred_at: string;
}

export type AuthAttemptRecorded = DomainEvent<'AuthAttemptRecorded', { [K in keyof AuthAttempt]: AuthAttempt[K] }>;

const MAX_USER_AGENT = 512;
const MAX_EMAIL = 254;

/** The event for one attempt; free-text fields are cut to a bounded length. */
export function authAttemptRecorded(attempt: AuthAttempt): AuthAttemptRecorded {
  return {
    type: 'AuthAttemptRecorded',
    data: {
      ...attempt,
      email: attempt.email === null ? null : attempt.email.slice(0, MAX_EMAIL),
      user_agent: attempt.user_agent === null ? null : attempt.user_agent.slice(0, MAX_USER_AGENT),
    },
  };
}
