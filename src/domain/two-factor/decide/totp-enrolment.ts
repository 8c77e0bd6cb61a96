import type { DecisionContext } from '../../shared/decider.js';
import type { TwoFactorCommand } from '../commands.js';
import { invalidTotpCode, totpAlreadyEnabled, totpNotEnabled, totpNotPending } from '../errors.js';
import type { TwoFactorEvent, TwoFactorState } from '../state.js';

/** A new secret to enrol (replacing a pending one); refused while an app is on. */
export function startTotpEnrolment(command: Extract<TwoFactorCommand, { type: 'StartTotpEnrolment' }>, state: TwoFactorState, ctx: DecisionContext): TwoFactorEvent[] {
  if (state.totp === 'on') throw totpAlreadyEnabled();
  return [{ type: 'TotpEnrolmentStarted', data: { credential_id: command.credential_id, started_at: ctx.now.toISOString() } }];
}

/** The pending secret confirmed by a code of a step not used before. */
export function enableTotp(command: Extract<TwoFactorCommand, { type: 'EnableTotp' }>, state: TwoFactorState, ctx: DecisionContext): TwoFactorEvent[] {
  if (state.totp !== 'pending' || state.totp_credential_id !== command.credential_id) throw totpNotPending();
  if (command.time_step <= state.last_time_step) throw invalidTotpCode();
  return [{ type: 'TotpEnabled', data: { credential_id: command.credential_id, recovery_codes: command.recovery_codes, time_step: command.time_step, enabled_at: ctx.now.toISOString() } }];
}

/** The app turned off, or a pending enrolment dropped. */
export function disableTotp(command: Extract<TwoFactorCommand, { type: 'DisableTotp' }>, state: TwoFactorState, ctx: DecisionContext): TwoFactorEvent[] {
  if (state.totp === 'off') throw totpNotEnabled();
  return [{ type: 'TotpDisabled', data: { proof: command.proof, disabled_at: ctx.now.toISOString() } }];
}
