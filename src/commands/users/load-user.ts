import { deterministicId } from '../shared/ids.js';
import type { AggregateRepository } from '../shared/aggregate-repository.js';
import { userDecider, userStream } from '../../domain/users/decider.js';
import { normalizeEmail } from '../../domain/users/email.js';
import type { UserState } from '../../domain/users/state.js';
import type { EmailIndex } from './email-index.js';

/** Version 2: credentials and erasure in the state; 3: closure. */
export const userAggregate = { decider: userDecider, snapshotVersion: 3 };

/**
 * The id of a user registered before ids became random: a v5 uuid of the
 * normalized email (anyone who guesses the email can compute it, which is why
 * new users get random ids). Lookups by email fall back to it.
 */
export const legacyUserIdForEmail = (email: string): string => deterministicId('user', normalizeEmail(email));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function loadUser(repo: AggregateRepository, userId: string): Promise<UserState> {
  if (!UUID.test(userId)) return userDecider.initialState;
  return (await repo.load(userAggregate, userStream(userId))).state;
}

export interface UserLookup {
  repo: AggregateRepository;
  emails: EmailIndex;
}

/**
 * The user who has this email: through the keyed email index, else (users
 * registered before it) the email-derived id. Erased users have no email.
 */
export async function findUserByEmail(deps: UserLookup, email: string): Promise<UserState> {
  const claim = await deps.emails.find(email);
  if (claim) {
    const user = await loadUser(deps.repo, claim.user_id);
    if (user.exists && !user.erased) return user;
  }
  const legacy = await loadUser(deps.repo, legacyUserIdForEmail(email));
  // A legacy user who changed their email no longer answers to the one their id derives from.
  return legacy.exists && !legacy.erased && legacy.email === normalizeEmail(email) ? legacy : userDecider.initialState;
}
