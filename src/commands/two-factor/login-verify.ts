import { randomUUID } from 'node:crypto';
import type { SecondFactor } from '../../domain/sessions/events.js';
import { twoFactorStream } from '../../domain/two-factor/decider.js';
import { invalidLoginCode } from '../../domain/two-factor/errors.js';
import type { LoginChallenge, TwoFactorState } from '../../domain/two-factor/state.js';
import { isActive, type UserState } from '../../domain/users/state.js';
import { refuseWhileLocked } from '../security/guarded-login.js';
import { countLoginFailure, countLoginSuccess } from '../security/lockouts.js';
import type { Security } from '../security/security.js';
import type { TokenPair } from '../sessions/issue-tokens.js';
import { startSession } from '../sessions/start-session.js';
import type { CommandContext } from '../shared/command-context.js';
import { idsFrom } from '../shared/ids.js';
import { findUserByEmail } from '../users/load-user.js';
import { takeLoginCode } from './login-codes.js';
import { takeRecoveryCode } from './recovery-codes.js';
import { openTotpSecret, totpStepOf, TOTP_CODE } from './totp-secrets.js';
import { loadTwoFactor, twoFactorAggregate } from './two-factor-aggregate.js';
import type { TwoFactorDeps } from './two-factor-deps.js';

interface Answer {
  factor: SecondFactor;
  matches: boolean;
  time_step: number | null;
}

/**
 * Checks `code` against the open challenge: the mailed code (consumed from
 * the store when right), else the authenticator app's code (a step newer than
 * the last one used), else one recovery code (consumed).
 */
async function check(deps: TwoFactorDeps, user: UserState, state: TwoFactorState, challenge: LoginChallenge, code: string, now: Date): Promise<Answer> {
  if (challenge.method === 'email') {
    return { factor: 'email', matches: await takeLoginCode(deps.credentials, user.user_id, challenge.challenge_id, code), time_step: null };
  }
  if (TOTP_CODE.test(code)) {
    const secret = await openTotpSecret(deps.keyring, deps.credentials, user.user_id, state.totp_credential_id);
    const step = secret ? await totpStepOf(secret, code, state.last_time_step, now) : null;
    return { factor: 'totp', matches: step !== null, time_step: step };
  }
  return { factor: 'recovery_code', matches: await takeRecoveryCode(deps.credentials, user.user_id, code), time_step: null };
}

const isOpen = (c: LoginChallenge | null, now: Date): c is LoginChallenge => c !== null && c.status === 'open' && Date.parse(c.expires_at) > now.getTime();

/**
 * Step two (POST /auth/login/verify/): the code of the user's open challenge
 * gives a new session, as a login with the password did before. Behind the
 * same lockouts; every try is recorded as a login attempt. A wrong code is
 * counted on the challenge; the third voids it and counts as one failed
 * login for the lockouts (like a wrong password). Unknown email, no open
 * challenge, an expired, used or wrong code: one 401, `invalid_code`.
 */
export async function verifyLogin(deps: TwoFactorDeps, security: Security, email: string, code: string, context: CommandContext, userAgent: string | null): Promise<TokenPair> {
  const attempt_id = randomUUID();
  const ip = context.actor.ip ?? 'unknown';
  const user = await findUserByEmail(deps, email);
  const userId = user.exists ? user.user_id : null;
  const record = (outcome: 'success' | 'failure' | 'locked', reason: string | null) =>
    security.recordAttempt(context, { attempt_id, kind: 'login', outcome, user_id: userId, email, user_agent: userAgent, reason });

  await refuseWhileLocked(deps, email, ip, context, (reason) => record('locked', reason));
  const state = isActive(user) ? await loadTwoFactor(deps.repo, user.user_id) : undefined;
  const challenge = state?.challenge ?? null;
  if (!state || !isOpen(challenge, context.now)) {
    await record('failure', !user.exists ? 'unknown_email' : !isActive(user) ? 'inactive_user' : 'no_open_challenge');
    throw invalidLoginCode();
  }
  const answer = await check(deps, user, state, challenge, code, context.now);
  const session_id = randomUUID();
  const decided = await deps.repo.execute(
    twoFactorAggregate,
    twoFactorStream(user.user_id),
    { type: 'AnswerChallenge', challenge_id: challenge.challenge_id, session_id, ...answer },
    context,
    idsFrom(attempt_id),
  );
  if (!answer.matches) {
    const voided = decided.state.challenge?.challenge_id === challenge.challenge_id && decided.state.challenge.status === 'voided';
    await Promise.all([
      record('failure', voided ? 'code_attempts_exhausted' : 'invalid_code'),
      voided ? countLoginFailure(deps.repo, security.lockoutPolicies, email, ip, attempt_id, context) : undefined,
    ]);
    throw invalidLoginCode();
  }
  const { access, refresh } = await startSession(deps, user, context, session_id);
  await Promise.all([countLoginSuccess(deps.repo, email, ip, context, attempt_id), record('success', null)]);
  return { access, refresh };
}
