import { normalizeEmail } from '../../domain/users/email.js';
import type { CommandContext } from '../shared/command-context.js';
import type { AuthDeps } from './auth-deps.js';
import { issueLinkNonce } from './link-nonces.js';
import { findUserByEmail } from './load-user.js';
import { createUser } from './new-user.js';
import { assertRetype, assertStrongPassword } from './passwords.js';
import { activationLink, sendActivationMail } from './user-mails.js';

export interface Registration {
  email: string;
  password: string;
  re_password?: string | undefined;
  country?: string | undefined;
  first_name?: string | undefined;
  last_name?: string | undefined;
}

/** Registers an inactive customer under a random id and mails the activation link. */
export async function registerUser(deps: AuthDeps, input: Registration, context: CommandContext): Promise<{ id: string; email: string }> {
  const email = normalizeEmail(input.email);
  const profile = { first_name: input.first_name?.trim() ?? '', last_name: input.last_name?.trim() ?? '', country: input.country?.trim() ?? '' };
  assertRetype(input.password, input.re_password, 'body.re_password');
  assertStrongPassword(input.password, { email, ...profile });
  const user_id = await createUser(deps, email, input.password, context, (id, credential_id) => ({
    type: 'RegisterUser', user_id: id, email, credential_id, ...profile,
  }));
  await mailActivation(deps, user_id, email, context.now);
  return { id: user_id, email };
}

/** A new activation link; it supersedes any earlier one. */
async function mailActivation(deps: AuthDeps, user_id: string, email: string, now: Date): Promise<void> {
  const nonce = await issueLinkNonce(deps.credentials, user_id, 'activation', deps.tokens.ttlSeconds('activation'), now);
  const { token } = await deps.tokens.issue('activation', { sub: user_id, nonce }, now);
  sendActivationMail(deps, email, activationLink(deps, user_id, token));
}

/** Mails a new activation link when an inactive user has that email; silent otherwise (no enumeration). */
export async function resendActivation(deps: AuthDeps, email: string, context: CommandContext): Promise<void> {
  const user = await findUserByEmail(deps, email);
  if (user.exists && !user.activated) await mailActivation(deps, user.user_id, user.email, context.now);
}
