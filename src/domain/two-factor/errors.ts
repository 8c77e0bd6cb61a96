import { DomainError } from '../shared/domain-error.js';

/** Wrong, expired, used, superseded or voided: one answer, so a caller who knows only the email learns nothing. */
export const invalidLoginCode = () => new DomainError('invalid_code', 'Invalid or expired code.', 401);
/** A wrong authenticator code where the user is already signed in (enrolment, disabling). */
export const invalidTotpCode = () =>
  new DomainError('invalid_totp_code', 'The authenticator code is wrong or was already used.', 400, { errors: [{ field: 'body.code', message: 'Wrong or already used code.' }] });
export const totpAlreadyEnabled = () => new DomainError('totp_already_enabled', 'An authenticator app is already enabled; disable it first.', 409);
export const totpNotPending = () => new DomainError('totp_not_pending', 'No authenticator enrolment is waiting for confirmation; start one with POST /auth/totp/.', 409);
export const totpNotEnabled = () => new DomainError('totp_not_enabled', 'No authenticator app is enrolled.', 409);

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
