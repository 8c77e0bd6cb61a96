import type { LoginChallengeEvent, LoginChallengeMethod } from '../sessions/events.js';
import type { TotpEvent } from '../users/events.js';

/** Wrong codes one challenge takes; the last of them voids it. */
export const MAX_CODE_ATTEMPTS = 3;

export type TwoFactorEvent = TotpEvent | LoginChallengeEvent;

export interface LoginChallenge {
  challenge_id: string;
  method: LoginChallengeMethod;
  expires_at: string;
  /** Wrong codes so far. */
  attempts: number;
  status: 'open' | 'completed' | 'voided';
}

/**
 * A user's second factor (stream `two-factor-<user_id>`): the authenticator
 * enrolment and the newest login challenge. Nothing secret is in it.
 */
export interface TwoFactorState {
  totp: 'off' | 'pending' | 'on';
  /** Credentials-store slot of the (encrypted) secret being enrolled or in use. */
  totp_credential_id: string;
  /** The newest RFC 6238 step accepted (enrolment or login): codes of that step or before are refused. */
  last_time_step: number;
  challenge: LoginChallenge | null;
}

export const initialTwoFactorState: TwoFactorState = { totp: 'off', totp_credential_id: '', last_time_step: 0, challenge: null };

const withChallenge = (state: TwoFactorState, id: string, change: Partial<LoginChallenge>): TwoFactorState =>
  state.challenge?.challenge_id === id ? { ...state, challenge: { ...state.challenge, ...change } } : state;

export function evolveTwoFactor(state: TwoFactorState, event: TwoFactorEvent): TwoFactorState {
  switch (event.type) {
    case 'TotpEnrolmentStarted':
      return { ...state, totp: 'pending', totp_credential_id: event.data.credential_id };
    case 'TotpEnabled':
      return { ...state, totp: 'on', totp_credential_id: event.data.credential_id, last_time_step: Math.max(state.last_time_step, event.data.time_step) };
    case 'TotpDisabled':
      return { ...state, totp: 'off', totp_credential_id: '' };
    case 'LoginChallengeIssued':
      return { ...state, challenge: { challenge_id: event.data.challenge_id, method: event.data.method, expires_at: event.data.expires_at, attempts: 0, status: 'open' } };
    case 'LoginCodeRejected':
      return withChallenge(state, event.data.challenge_id, { attempts: event.data.attempts });
    case 'LoginChallengeVoided':
      return withChallenge(state, event.data.challenge_id, { status: 'voided' });
    case 'LoginChallengeCompleted': {
      const next = withChallenge(state, event.data.challenge_id, { status: 'completed' });
      return event.data.time_step === null ? next : { ...next, last_time_step: Math.max(next.last_time_step, event.data.time_step) };
    }
  }
}
