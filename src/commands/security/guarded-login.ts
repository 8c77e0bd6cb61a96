import { loginLockouts } from '../../infra/metrics.js';
import { randomUUID } from 'node:crypto';
import { isActive } from '../../domain/users/state.js';
import { SecondFactorRequired } from '../../domain/two-factor/errors.js';
import { login, type LoginDeps } from '../sessions/login.js';
import { InvalidCredentials } from '../../domain/sessions/auth-errors.js';
import { LoginLocked } from '../../domain/security/login-locked.js';
import type { CommandContext } from '../shared/command-context.js';
import { findUserByEmail } from '../users/load-user.js';
import { countLoginFailure, countLoginSuccess, lockoutStatus } from './lockouts.js';
import type { Security } from './security.js';

type Login = typeof login;

/**
 * Refuses a login step (LoginLocked) while the IP or the email+IP pair is
 * locked, read from both lockout streams before any credential is checked;
 * `recordLocked` records the refused attempt with its reason.
 */
export async function refuseWhileLocked(
  deps: Pick<LoginDeps, 'repo'>,
  email: string,
  ip: string,
  context: CommandContext,
  recordLocked: (reason: 'ip_locked' | 'email_ip_locked') => Promise<unknown>,
): Promise<void> {
  const lock = await lockoutStatus(deps.repo, email, ip, context.now);
  if (!lock) return;
  await recordLocked(lock.scope === 'ip' ? 'ip_locked' : 'email_ip_locked');
  loginLockouts.inc({ scope: lock.scope });
  throw new LoginLocked(lock, context.now);
}
/** A password step: checks the password and does what a correct one leads to. */
export type PasswordStep<R> = (deps: LoginDeps, email: string, password: string, context: CommandContext) => Promise<R>;

/**
 * Login behind the lockouts, with every attempt recorded:
 * 1. the IP's and the email+IP pair's lockout streams are read; a lock refuses
 *    the attempt (outcome `locked`) without ever reaching argon2;
 * 2. otherwise the password is checked (`doLogin`); a failure counts against
 *    both keys (and may lock them). A success that starts a session clears the
 *    pair (`success`); one that only opens a second-factor challenge
 *    (`challenged`) clears nothing, since the login is not done; a password
 *    that was right but is not enough alone is recorded as `refused`.
 */
export async function guardedLogin<R extends { user_id: string } = Awaited<ReturnType<Login>>>(
  deps: LoginDeps,
  security: Security,
  email: string,
  password: string,
  context: CommandContext,
  userAgent: string | null,
  doLogin: PasswordStep<R> = login as unknown as PasswordStep<R>,
  outcome: 'success' | 'challenged' = 'success',
): Promise<R> {
  const attempt_id = randomUUID();
  const ip = context.actor.ip ?? 'unknown';
  const record = (outcome: 'success' | 'failure' | 'locked' | 'refused' | 'challenged', user_id: string | null, reason: string | null) =>
    security.recordAttempt(context, { attempt_id, kind: 'login', outcome, user_id, email, user_agent: userAgent, reason });

  await refuseWhileLocked(deps, email, ip, context, async (reason) => {
    const user = await findUserByEmail(deps, email);
    await record('locked', user.exists ? user.user_id : null, reason);
  });
  let result: R;
  try {
    result = await doLogin(deps, email, password, context);
  } catch (error) {
    if (error instanceof SecondFactorRequired) {
      await record('refused', error.user_id, 'second_factor_required');
      throw error;
    }
    if (!(error instanceof InvalidCredentials)) throw error;
    const user = await findUserByEmail(deps, email);
    const reason = !user.exists ? 'unknown_email' : !isActive(user) ? 'inactive_user' : 'invalid_credentials';
    await Promise.all([
      countLoginFailure(deps.repo, security.lockoutPolicies, email, ip, attempt_id, context),
      record('failure', user.exists ? user.user_id : null, reason),
    ]);
    throw error;
  }
  if (outcome === 'challenged') await record('challenged', result.user_id, null);
  else await Promise.all([countLoginSuccess(deps.repo, email, ip, context, attempt_id), record('success', result.user_id, null)]);
  return result;
}
