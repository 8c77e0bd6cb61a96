import { randomUUID } from 'node:crypto';
import { normalizeEmail } from '../../domain/users/email.js';
import { userStream } from '../../domain/users/decider.js';
import type { CommandContext } from '../shared/command-context.js';
import { idsFrom } from '../shared/ids.js';
import type { AuthDeps } from './auth-deps.js';
import { loadUserByEmail, userAggregate, userIdForEmail } from './load-user.js';
import { assertRetype, assertStrongPassword, hashPassword } from './passwords.js';
import { activationLink, sendActivationMail } from './user-mails.js';

export interface Registration {
  email: string;
  password: string;
  re_password?: string | undefined;
  country?: string | undefined;
  first_name?: string | undefined;
  last_name?: string | undefined;
}

/** Registers an inactive customer and mails the activation link. */
export async function registerUser(deps: AuthDeps, input: Registration, context: CommandContext): Promise<{ id: string; email: string }> {
  const email = normalizeEmail(input.email);
  const profile = { first_name: input.first_name?.trim() ?? '', last_name: input.last_name?.trim() ?? '', country: input.country?.trim() ?? '' };
  assertRetype(input.password, input.re_password, 'body.re_password');
  assertStrongPassword(input.password, { email, ...profile });
  const user_id = userIdForEmail(email);
  const password_hash = await hashPassword(input.password);
  await deps.repo.execute(
    userAggregate,
    userStream(user_id),
    { type: 'RegisterUser', user_id, email, password_hash, ...profile, at: context.now },
    context,
    idsFrom(randomUUID()),
  );
  await mailActivation(deps, user_id, email);
  return { id: user_id, email };
}

async function mailActivation(deps: AuthDeps, user_id: string, email: string): Promise<void> {
  const { token } = await deps.tokens.issue('activation', { sub: user_id });
  sendActivationMail(deps, email, activationLink(deps, user_id, token));
}

/** Mails a new activation link when an inactive user has that email; silent otherwise (no enumeration). */
export async function resendActivation(deps: AuthDeps, email: string): Promise<void> {
  const user = await loadUserByEmail(deps.repo, email);
  if (user.exists && !user.activated) await mailActivation(deps, user.user_id, user.email);
}
