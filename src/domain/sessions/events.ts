import type { DomainEvent } from '../shared/event.js';

export type RevokeReason = 'logout' | 'reuse_detected' | 'admin';

/**
 * A session is one refresh-token family (stream `session-<session_id>`). Only
 * the newest refresh token of a family may be spent; presenting an older one
 * is reuse, which revokes the whole family.
 */
export type SessionEvent =
  | DomainEvent<'SessionStarted', { session_id: string; user_id: string; jti: string; expires_at: string; started_at: string }>
  | DomainEvent<'RefreshTokenRotated', { from_jti: string; to_jti: string; expires_at: string; rotated_at: string }>
  | DomainEvent<'SessionRevoked', { reason: RevokeReason; presented_jti: string | null; revoked_at: string }>;

export type SessionEventType = SessionEvent['type'];

/** How the second step of a login is answered: a mailed code, or the user's authenticator app. */
export type LoginChallengeMethod = 'email' | 'totp';
/** What answered it: the mailed code, an authenticator code, or one of the recovery codes. */
export type SecondFactor = 'email' | 'totp' | 'recovery_code';

/**
 * The two-step login (stream `two-factor-<user_id>`): a correct password
 * issues a challenge, which supersedes any older one; a wrong code is counted,
 * and the third voids the challenge; the right code completes it and names
 * the session it started. No code is in them: a mailed code's hash is in the
 * credentials store, keyed by the challenge id, and is deleted when used.
 */
export type LoginChallengeEvent =
  | DomainEvent<'LoginChallengeIssued', { challenge_id: string; method: LoginChallengeMethod; expires_at: string; issued_at: string }>
  | DomainEvent<'LoginCodeRejected', { challenge_id: string; attempts: number; rejected_at: string }>
  | DomainEvent<'LoginChallengeVoided', { challenge_id: string; reason: 'too_many_attempts'; voided_at: string }>
  | DomainEvent<'LoginChallengeCompleted', {
      challenge_id: string;
      session_id: string;
      factor: SecondFactor;
      /** The RFC 6238 step of the authenticator code used (null for the other factors): never accepted again. */
      time_step: number | null;
      completed_at: string;
    }>;
