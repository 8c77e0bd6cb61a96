import { InvalidCredentials, InvalidToken } from '../../commands/sessions/token-errors.js';
import { HttpProblem } from '../problem.js';

const CHALLENGE = 'Bearer realm="api", error="invalid_token"';

/** 401 for a bad, expired, tampered, wrong-kind or revoked token. */
export const tokenNotValid = (reason = 'Token is invalid or expired') =>
  new HttpProblem(401, 'token_not_valid', 'Given token not valid for any token type', { reason }, { 'WWW-Authenticate': CHALLENGE });

/** 401 for a failed login: unknown email, wrong password and inactive user look the same. */
export const noActiveAccount = () =>
  new HttpProblem(401, 'no_active_account', new InvalidCredentials().message, {}, { 'WWW-Authenticate': 'Bearer realm="api"' });

/** Maps the command layer's token and credential failures to their 401s; anything else passes through. */
export function authProblem(error: unknown): unknown {
  if (error instanceof InvalidToken) return tokenNotValid(error.message);
  if (error instanceof InvalidCredentials) return noActiveAccount();
  return error;
}
