import { deterministicId } from '../shared/ids.js';
import type { AggregateRepository } from '../shared/aggregate-repository.js';
import { userDecider, userStream } from '../../domain/users/decider.js';
import { normalizeEmail } from '../../domain/users/email.js';
import type { UserState } from '../../domain/users/state.js';

export const userAggregate = { decider: userDecider, snapshotVersion: 1 };

/** The user id is derived from the normalized email, so the email alone finds the stream. */
export const userIdForEmail = (email: string): string => deterministicId('user', normalizeEmail(email));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function loadUser(repo: AggregateRepository, userId: string): Promise<UserState> {
  if (!UUID.test(userId)) return userDecider.initialState;
  return (await repo.load(userAggregate, userStream(userId))).state;
}

export async function loadUserByEmail(repo: AggregateRepository, email: string): Promise<UserState> {
  return loadUser(repo, userIdForEmail(email));
}
