/** A token that is missing, malformed, expired, tampered, of the wrong kind or revoked. */
export class InvalidToken extends Error {
  override readonly name = 'InvalidToken';
  constructor(message = 'Token is invalid or expired') {
    super(message);
  }
}

/** Wrong email, wrong password or an inactive user: deliberately indistinguishable. */
export class InvalidCredentials extends Error {
  override readonly name = 'InvalidCredentials';
  constructor() {
    super('No active account found with the given credentials');
  }
}
