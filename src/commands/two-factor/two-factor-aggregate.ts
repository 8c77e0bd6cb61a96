import { twoFactorDecider, twoFactorStream } from '../../domain/two-factor/decider.js';
import type { TwoFactorState } from '../../domain/two-factor/state.js';
import type { AggregateRepository } from '../shared/aggregate-repository.js';

export const twoFactorAggregate = { decider: twoFactorDecider, snapshotVersion: 1 };

/** The user's authenticator enrolment and newest login challenge (strongly consistent: read from the stream). */
export async function loadTwoFactor(repo: AggregateRepository, userId: string): Promise<TwoFactorState> {
  return (await repo.load(twoFactorAggregate, twoFactorStream(userId))).state;
}
