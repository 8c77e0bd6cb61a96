import { randomUUID } from 'node:crypto';
import type { LoginChallengeMethod } from '../../domain/sessions/events.js';
import { twoFactorStream } from '../../domain/two-factor/decider.js';
import type { UserState } from '../../domain/users/state.js';
import { guardedLogin } from '../security/guarded-login.js';
import type { Security } from '../security/security.js';
import { checkPassword } from '../sessions/login.js';
import type { CommandContext } from '../shared/command-context.js';
import { idsFrom } from '../shared/ids.js';
import { newOtpCode } from '../transfers/otp-code.js';
import { sendLoginCodeMail } from '../users/user-mails.js';
import { keepLoginCode } from './login-codes.js';
import { twoFactorAggregate } from './two-factor-aggregate.js';
import type { TwoFactorDeps } from './two-factor-deps.js';

export interface IssuedChallenge {
  method: LoginChallengeMethod;
  expires_at: string;
}

/** A new challenge for a user whose password was right; with no authenticator app, its code is mailed. */
async function issueChallenge(deps: TwoFactorDeps, user: UserState, context: CommandContext): Promise<IssuedChallenge> {
  const challenge_id = randomUUID();
  const expires_at = new Date(context.now.getTime() + deps.config.loginCodeTtlSeconds * 1000);
  const { state } = await deps.repo.execute(twoFactorAggregate, twoFactorStream(user.user_id), { type: 'IssueChallenge', challenge_id, expires_at }, context, idsFrom(challenge_id));
  const method = state.challenge?.method ?? 'email';
  if (method === 'email') {
    const code = newOtpCode();
    await keepLoginCode(deps.credentials, user.user_id, challenge_id, code, expires_at);
    sendLoginCodeMail(deps, user.email, code, deps.config.loginCodeTtlSeconds);
  }
  return { method, expires_at: expires_at.toISOString() };
}

/**
 * Step one of the two-step login (POST /auth/login/init/): the password is
 * checked exactly as POST /auth/jwt/create checks it (the same lockouts,
 * attempt records and failure counts, through guardedLogin); a right one
 * opens a challenge (recorded as `challenged`, clearing no failure count)
 * instead of a session.
 */
export function initLogin(deps: TwoFactorDeps, security: Security, email: string, password: string, context: CommandContext, userAgent: string | null): Promise<IssuedChallenge & { user_id: string }> {
  return guardedLogin(deps, security, email, password, context, userAgent, async (d, e, p) => {
    const user = await checkPassword(d, e, p);
    return { ...(await issueChallenge(deps, user, context)), user_id: user.user_id };
  }, 'challenged');
}
