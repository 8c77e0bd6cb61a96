import { SecondFactorRequired } from '../../domain/two-factor/errors.js';
import type { UserState } from '../../domain/users/state.js';
import type { PasswordStep } from '../security/guarded-login.js';
import { checkPassword, type LoginDeps } from '../sessions/login.js';
import { startSession } from '../sessions/start-session.js';
import type { TokenPair } from '../sessions/issue-tokens.js';
import type { AuthDeps } from '../users/auth-deps.js';
import { loadTwoFactor } from './two-factor-aggregate.js';

type Settings = Pick<AuthDeps['config'], 'nodeEnv' | 'passwordOnlyLogin'>;

/** Whether this user may not sign in with the password alone: staff in production, and anyone with an authenticator app. */
export async function needsSecondFactor(deps: Pick<LoginDeps, 'repo'>, settings: Settings, user: UserState): Promise<boolean> {
  if (user.is_staff && settings.nodeEnv === 'production') return true;
  return (await loadTwoFactor(deps.repo, user.user_id)).totp === 'on';
}

/**
 * The password step of POST /auth/jwt/create: a session from the password
 * alone where the setting and the user allow it. PASSWORD_ONLY_LOGIN=refuse
 * refuses before any password is checked; a user who needs a second factor
 * is refused only after a right password, so the answer tells nothing to
 * whoever does not know it.
 */
export function passwordOnlyLogin(settings: Settings): PasswordStep<TokenPair & { user_id: string }> {
  return async (deps, email, password, context) => {
    if (settings.passwordOnlyLogin === 'refuse') throw new SecondFactorRequired(null);
    const user = await checkPassword(deps, email, password);
    if (await needsSecondFactor(deps, settings, user)) throw new SecondFactorRequired(user.user_id);
    return { ...(await startSession(deps, user, context)), user_id: user.user_id };
  };
}
