import { randomUUID } from 'node:crypto';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { EmailChangeVia } from '../../domain/users/events.js';
import { userStream } from '../../domain/users/decider.js';
import { normalizeEmail } from '../../domain/users/email.js';
import { isActive, type UserState } from '../../domain/users/state.js';
import type { CommandContext } from '../shared/command-context.js';
import { idsFrom } from '../shared/ids.js';
import { invalidLink, verifyLink } from './activate-user.js';
import type { AuthDeps } from './auth-deps.js';
import { claimEmail } from './claim-email.js';
import { consumeLinkNonce, issueLinkNonce } from './link-nonces.js';
import { findUserByEmail, loadUser, userAggregate } from './load-user.js';
import { currentPasswordHash, verifyPassword } from './passwords.js';
import { wrongCurrent } from './set-password.js';
import { emailResetLink, sendEmailChangedMails, sendEmailResetMail } from './user-mails.js';

const newEmailTaken = () =>
  new DomainError('email_taken', 'A user with that email already exists.', 400, {
    errors: [{ field: 'body.new_email', message: 'A user with that email already exists.' }],
  });

/**
 * Moves the user to `newEmail`: the new address is claimed in the keyed email
 * index first (one winner; taken is a 400), then `authorize` runs (spending a
 * link), then EmailChanged is appended and the old address's claim released.
 * Whatever fails after the claim releases it. Both addresses get a mail.
 */
async function changeEmail(
  deps: AuthDeps,
  user: UserState,
  newEmail: string,
  via: EmailChangeVia,
  context: CommandContext,
  authorize: () => Promise<void>,
): Promise<void> {
  const email = normalizeEmail(newEmail);
  if (email === user.email) throw newEmailTaken();
  try {
    await claimEmail(deps, email, user.user_id, context.now);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'email_taken') throw newEmailTaken();
    throw error;
  }
  try {
    await authorize();
    await deps.repo.execute(userAggregate, userStream(user.user_id), { type: 'ChangeEmail', email, via }, context, idsFrom(randomUUID()));
  } catch (error) {
    await deps.emails.releaseEmail(email, user.user_id).catch(() => undefined);
    throw error;
  }
  await deps.emails.releaseEmail(user.email, user.user_id);
  sendEmailChangedMails(deps, user.email, email);
}

/** djoser's set_email: the signed-in user changes their login email with their current password. */
export async function setEmail(deps: AuthDeps, userId: string, input: { new_email: string; current_password: string }, context: CommandContext): Promise<void> {
  const user = await loadUser(deps.repo, userId);
  if (!(await verifyPassword(await currentPasswordHash(deps.credentials, user), input.current_password))) throw wrongCurrent();
  await changeEmail(deps, user, input.new_email, 'set_email', context, async () => undefined);
}

/**
 * djoser's reset_email: mails a one-time link to an active user with that
 * email (the caller learns nothing either way). As with password resets, the
 * link carries a random nonce whose hash the credentials store keeps: it works
 * once, and a newer link supersedes it.
 */
export async function requestEmailReset(deps: AuthDeps, email: string, context: CommandContext): Promise<void> {
  const user = await findUserByEmail(deps, email);
  if (!isActive(user)) return;
  const { now } = context;
  const nonce = await issueLinkNonce(deps.credentials, user.user_id, 'email_reset', deps.tokens.ttlSeconds('email_reset'), now);
  const { token } = await deps.tokens.issue('email_reset', { sub: user.user_id, nonce }, now);
  sendEmailResetMail(deps, user.email, emailResetLink(deps, user.user_id, token));
}

/** djoser's reset_email_confirm: the link's uid and token and the new email. A taken email does not spend the link. */
export async function confirmEmailReset(deps: AuthDeps, input: { uid: string; token: string; new_email: string }, context: CommandContext): Promise<void> {
  const claims = await verifyLink(deps, 'email_reset', input.uid, input.token);
  const user = await loadUser(deps.repo, input.uid);
  if (!isActive(user)) throw invalidLink('uid');
  await changeEmail(deps, user, input.new_email, 'reset_email', context, async () => {
    if (!(await consumeLinkNonce(deps.credentials, user.user_id, 'email_reset', claims.nonce))) throw invalidLink('token');
  });
}
