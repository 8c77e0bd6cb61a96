import { randomUUID } from 'node:crypto';
import { DomainError } from '../../domain/shared/domain-error.js';
import { userStream } from '../../domain/users/decider.js';
import { isActive } from '../../domain/users/state.js';
import type { CommandContext } from '../shared/command-context.js';
import { idsFrom } from '../shared/ids.js';
import type { AuthDeps } from './auth-deps.js';
import { invalidLink, verifyLink } from './activate-user.js';
import { consumeLinkNonce, issueLinkNonce } from './link-nonces.js';
import { findUserByEmail, loadUser, userAggregate } from './load-user.js';
import { assertRetype, assertStrongPassword, forgetOlderPasswords, storePassword } from './passwords.js';
import { resetLink, sendPasswordChangedMail, sendResetMail } from './user-mails.js';

/**
 * Mails a reset link to an active user with that email. The caller learns
 * nothing either way. The link carries the user's credentials version (any
 * password change makes it stale) and a random nonce whose hash the
 * credentials store keeps: it works once, and a newer link supersedes it.
 */
export async function requestPasswordReset(deps: AuthDeps, email: string, context: CommandContext): Promise<void> {
  const user = await findUserByEmail(deps, email);
  if (!isActive(user)) return;
  const { now } = context;
  const nonce = await issueLinkNonce(deps.credentials, user.user_id, 'password_reset', deps.tokens.ttlSeconds('password_reset'), now);
  const { token } = await deps.tokens.issue('password_reset', { sub: user.user_id, cv: user.credentials_version, nonce }, now);
  sendResetMail(deps, user.email, resetLink(deps, user.user_id, token));
}

export interface ResetConfirmation {
  uid: string;
  token: string;
  new_password: string;
  re_new_password?: string | undefined;
}

export async function confirmPasswordReset(deps: AuthDeps, input: ResetConfirmation, context: CommandContext): Promise<void> {
  const claims = await verifyLink(deps, 'password_reset', input.uid, input.token);
  const user = await loadUser(deps.repo, input.uid);
  if (!isActive(user)) throw invalidLink('uid');
  // Checked before hashing (cheap refusal of a used link); the decider re-checks atomically.
  if (claims.cv !== user.credentials_version) throw invalidLink('token');
  assertRetype(input.new_password, input.re_new_password, 'body.re_new_password');
  assertStrongPassword(input.new_password, user, 'body.new_password');
  // Only a strong password spends the link, so a refused one can be retried with it.
  if (!(await consumeLinkNonce(deps.credentials, user.user_id, 'password_reset', claims.nonce))) throw invalidLink('token');
  const credential_id = await storePassword(deps.credentials, user.user_id, input.new_password);
  try {
    await deps.repo.execute(
      userAggregate,
      userStream(user.user_id),
      { type: 'ChangePassword', credential_id, reason: 'reset', expected_credentials_version: claims.cv },
      context,
      idsFrom(randomUUID()),
    );
  } catch (error) {
    if (error instanceof DomainError && error.code === 'stale_token') throw invalidLink('token');
    throw error;
  }
  await forgetOlderPasswords(deps.credentials, user.user_id, credential_id);
  sendPasswordChangedMail(deps, user.email);
}
