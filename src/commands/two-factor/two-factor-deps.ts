import type { Keyring } from '../../privacy/keyring.js';
import type { LoginDeps } from '../sessions/login.js';
import type { AuthDeps } from '../users/auth-deps.js';

/** What the two-step login and the authenticator enrolment need: the login's, mail, and the data keys that seal authenticator secrets. */
export interface TwoFactorDeps extends LoginDeps, Pick<AuthDeps, 'config' | 'mailer' | 'logger'> {
  keyring: Keyring;
}
