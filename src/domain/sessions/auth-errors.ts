import { DomainError } from '../shared/domain-error.js';

/** A token that is missing, malformed, expired, tampered, of the wrong kind or revoked; `reason` says which. */
export class InvalidToken extends DomainError {
  override readonly name = 'InvalidToken';
  constructor(readonly reason = 'Token is invalid or expired') {
    super('token_not_valid', 'Given token not valid for any token type', 401, { reason });
  }
}

/** Wrong email, wrong password or an inactive user: deliberately indistinguishable. */
export class InvalidCredentials extends DomainError {
  override readonly name = 'InvalidCredentials';
  constructor() {
    super('no_active_account', 'No active account found with the given credentials', 401);
  }
}
