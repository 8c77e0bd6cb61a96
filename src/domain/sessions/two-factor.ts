import { DomainError } from '../shared/domain-error.js';
import type { Decider } from '../shared/event.js';
import type { TotpDisableProof, TotpEvent } from '../users/events.js';
import type { LoginChallengeEvent, LoginChallengeMethod, SecondFactor } from './events.js';

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

export type TwoFactorCommand =
  | { type: 'StartTotpEnrolment'; credential_id: string; at: Date }
  | { type: 'EnableTotp'; credential_id: string; recovery_codes: number; time_step: number; at: Date }
  | { type: 'DisableTotp'; proof: TotpDisableProof; at: Date }
  /** The password was right: a new challenge, answered by the app when one is enrolled, else by a mailed code. */
  | { type: 'IssueChallenge'; challenge_id: string; expires_at: Date; at: Date }
  /** A code was presented for the open challenge; the command layer checked it (`matches`) against the store or the app's secret. */
  | { type: 'AnswerChallenge'; challenge_id: string; matches: boolean; factor: SecondFactor; time_step: number | null; session_id: string; at: Date };

/** Wrong, expired, used, superseded or voided: one answer, so a caller who knows only the email learns nothing. */
export const invalidLoginCode = () => new DomainError('invalid_code', 'Invalid or expired code.', 401);
/** A wrong authenticator code where the user is already signed in (enrolment, disabling). */
export const invalidTotpCode = () => new DomainError('invalid_totp_code', 'The authenticator code is wrong or was already used.', 400, { errors: [{ field: 'body.code', message: 'Wrong or already used code.' }] });
/**
 * A right password that is not enough alone (PASSWORD_ONLY_LOGIN=refuse, a
 * staff account in production, or an enrolled authenticator app): the client
 * must use the two-step login. `user_id` is for the attempt record, never sent.
 */
export class SecondFactorRequired extends DomainError {
  constructor(readonly user_id: string | null) {
    super('second_factor_required', 'This account signs in with a second factor: POST /auth/login/init/, then /auth/login/verify/.', 403, { login_init: '/auth/login/init/' });
  }
}

export const totpAlreadyEnabled = () => new DomainError('totp_already_enabled', 'An authenticator app is already enabled; disable it first.', 409);
export const totpNotPending = () => new DomainError('totp_not_pending', 'No authenticator enrolment is waiting for confirmation; start one with POST /auth/totp/.', 409);
export const totpNotEnabled = () => new DomainError('totp_not_enabled', 'No authenticator app is enrolled.', 409);

export function decideTwoFactor(command: TwoFactorCommand, state: TwoFactorState): TwoFactorEvent[] {
  const at = command.at.toISOString();
  switch (command.type) {
    case 'StartTotpEnrolment':
      if (state.totp === 'on') throw totpAlreadyEnabled();
      return [{ type: 'TotpEnrolmentStarted', data: { credential_id: command.credential_id, started_at: at } }];
    case 'EnableTotp':
      if (state.totp !== 'pending' || state.totp_credential_id !== command.credential_id) throw totpNotPending();
      if (command.time_step <= state.last_time_step) throw invalidTotpCode();
      return [{ type: 'TotpEnabled', data: { credential_id: command.credential_id, recovery_codes: command.recovery_codes, time_step: command.time_step, enabled_at: at } }];
    case 'DisableTotp':
      if (state.totp === 'off') throw totpNotEnabled();
      return [{ type: 'TotpDisabled', data: { proof: command.proof, disabled_at: at } }];
    case 'IssueChallenge':
      return [{
        type: 'LoginChallengeIssued',
        data: { challenge_id: command.challenge_id, method: state.totp === 'on' ? 'totp' : 'email', expires_at: command.expires_at.toISOString(), issued_at: at },
      }];
    case 'AnswerChallenge': {
      const c = state.challenge;
      // The code was checked against the challenge the caller loaded: a newer one is not answered by it.
      if (!c || c.challenge_id !== command.challenge_id || c.status !== 'open' || Date.parse(c.expires_at) <= command.at.getTime()) throw invalidLoginCode();
      if (command.matches && command.time_step !== null && command.time_step <= state.last_time_step) throw invalidLoginCode();
      if (command.matches) {
        return [{ type: 'LoginChallengeCompleted', data: { challenge_id: c.challenge_id, session_id: command.session_id, factor: command.factor, time_step: command.time_step, completed_at: at } }];
      }
      const attempts = c.attempts + 1;
      const rejected: TwoFactorEvent = { type: 'LoginCodeRejected', data: { challenge_id: c.challenge_id, attempts, rejected_at: at } };
      return attempts < MAX_CODE_ATTEMPTS
        ? [rejected]
        : [rejected, { type: 'LoginChallengeVoided', data: { challenge_id: c.challenge_id, reason: 'too_many_attempts', voided_at: at } }];
    }
  }
}

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

export const twoFactorDecider: Decider<TwoFactorCommand, TwoFactorState, TwoFactorEvent> = {
  initialState: initialTwoFactorState,
  evolve: evolveTwoFactor,
  decide: decideTwoFactor,
};

export const twoFactorStream = (userId: string): string => `two-factor-${userId}`;
