import { emailTaken } from '../../domain/users/errors.js';
import { normalizeEmail } from '../../domain/users/email.js';
import { legacyUserIdForEmail, loadUser, type UserLookup } from './load-user.js';

/** A claim whose user never appeared this long after (the registering process died) may be taken over. */
const ABANDONED_CLAIM_MS = 60_000;

const live = (user: { exists: boolean; erased: boolean }) => user.exists && !user.erased;
/** A user registered before the index holds the email their id derives from, unless they changed it since. */
const holdsLegacy = (user: { exists: boolean; erased: boolean; email: string }, email: string) => live(user) && user.email === normalizeEmail(email);

/**
 * Makes `userId` the one user with this email, or throws email_taken (400).
 * Of concurrent registrations of one email exactly one wins the index row.
 * Users registered before the index (id derived from the email) hold theirs
 * too. A claim left by a registration that never wrote its user is taken over
 * once it is old enough.
 */
export async function claimEmail(deps: UserLookup, email: string, userId: string, now: Date): Promise<void> {
  if (holdsLegacy(await loadUser(deps.repo, legacyUserIdForEmail(email)), email)) throw emailTaken();
  if (await deps.emails.claim(email, userId)) return;
  const held = await deps.emails.find(email);
  const abandoned = held !== undefined && now.getTime() - held.claimed_at.getTime() > ABANDONED_CLAIM_MS && !live(await loadUser(deps.repo, held.user_id));
  if (abandoned && (await deps.emails.takeOver(email, held.user_id, userId))) return;
  throw emailTaken();
}
