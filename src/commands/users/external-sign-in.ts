import { DomainError } from '../../domain/shared/domain-error.js';
import { normalizeEmail } from '../../domain/users/email.js';
import { isActive, type UserState } from '../../domain/users/state.js';
import type { Security } from '../security/security.js';
import type { TokenPair } from '../sessions/issue-tokens.js';
import { startSession } from '../sessions/start-session.js';
import type { CommandContext } from '../shared/command-context.js';
import type { AuthDeps } from './auth-deps.js';
import { findUserByEmail } from './load-user.js';
import { createUser } from './new-user.js';

/** What an OpenID Connect provider vouched for: its issuer, and a verified email. */
export interface ExternalIdentity {
  issuer: string;
  email: string;
  first_name: string;
  last_name: string;
}

export const accountNotActivated = () =>
  new DomainError('account_not_activated', 'An account with this email waits for its activation link: activate it (or ask for a new link) first.', 409);
export const accountBlocked = () => new DomainError('account_blocked', 'This account is blocked.', 403);
export const staffNeedsOwnLogin = () =>
  new DomainError('staff_external_sign_in', 'Staff accounts sign in with their password (and second factor), not through an external provider.', 403);

/**
 * Links an external sign-in to the user with that email, or registers one
 * (active at once, without a password), then starts a session. The provider
 * has verified the email, which proves the same as an activation link, but a
 * registration still waiting for its link is not taken over: whoever made it
 * chose its password, and this sign-in must not activate that. Blocked and
 * such pending users are refused, and so is staff: an external account must
 * not open the back office without the bank's own login and second factor.
 * Every outcome is recorded as a login attempt.
 */
export async function externalSignIn(
  deps: AuthDeps,
  security: Security,
  identity: ExternalIdentity,
  context: CommandContext,
  userAgent: string | null,
): Promise<TokenPair & { user_id: string; created: boolean }> {
  const email = normalizeEmail(identity.email);
  const record = (outcome: 'success' | 'failure', user_id: string | null, reason: string | null) =>
    security.recordAttempt(context, { kind: 'login', outcome, user_id, email, user_agent: userAgent, reason });
  let user: UserState = await findUserByEmail(deps, email);
  let created = false;
  if (!user.exists) {
    const profile = { first_name: identity.first_name.trim().slice(0, 150), last_name: identity.last_name.trim().slice(0, 150), country: '' };
    const user_id = await createUser(deps, email, null, context, (id) => ({
      type: 'RegisterExternalUser', user_id: id, email, identity_provider: identity.issuer, ...profile,
    }));
    user = await findUserByEmail(deps, email);
    created = user.user_id === user_id;
  }
  if (!isActive(user)) {
    const blocked = user.blocked === true;
    await record('failure', user.user_id, blocked ? 'blocked_user' : 'inactive_user');
    throw blocked ? accountBlocked() : accountNotActivated();
  }
  if (user.is_staff) {
    await record('failure', user.user_id, 'staff_external_sign_in');
    throw staffNeedsOwnLogin();
  }
  const pair = await startSession(deps, user, context);
  await record('success', user.user_id, null);
  return { ...pair, user_id: user.user_id, created };
}
