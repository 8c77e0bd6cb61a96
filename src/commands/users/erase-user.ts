import { userStream } from '../../domain/users/decider.js';
import type { PersonalData } from '../../privacy/personal-data.js';
import type { AggregateRepository } from '../shared/aggregate-repository.js';
import type { CommandContext } from '../shared/command-context.js';
import { deterministicId } from '../shared/ids.js';
import type { AuthDeps } from './auth-deps.js';
import { userAggregate } from './load-user.js';

export interface ErasureDeps extends Pick<AuthDeps, 'credentials' | 'emails'> {
  repo: AggregateRepository;
  personal: PersonalData;
}

export interface Erasure {
  user_id: string;
  /** False when the user was already erased (the clean-up ran again). */
  erased_now: boolean;
  /** Position of UserErased (null when it was recorded before). */
  position: bigint | null;
}

/**
 * Erases a user's personal data although events are immutable
 * (crypto-shredding): appends UserErased, then destroys the user's data key,
 * so every personal field sealed under it reads as erased in every view,
 * replay and rebuild, and deletes what the command side keeps of the user
 * (credentials, the email index row, the aggregate snapshot). Amounts,
 * balances and the hash chain are untouched. It refuses nothing but an
 * unknown user: preconditions (balances, confirmation, who may ask) are the
 * caller's. Running it again repeats the clean-up, so a crash half-way is
 * repaired by calling it once more.
 */
export async function eraseUser(deps: ErasureDeps, userId: string, context: CommandContext): Promise<Erasure> {
  const stream = userStream(userId);
  const decided = await deps.repo.execute(userAggregate, stream, { type: 'EraseUser' }, context, () => deterministicId('user-erased', userId));
  await deps.personal.keyring.destroy(userId);
  await deps.credentials.removeSubject(userId);
  await deps.emails.release(userId);
  await deps.repo.forget(stream);
  const appended = decided.events.length > 0 && decided.result?.duplicate !== true;
  return { user_id: userId, erased_now: appended, position: appended ? decided.result!.position : null };
}
