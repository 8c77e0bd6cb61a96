import { accountDecider, accountStream } from '../../domain/accounts/decider.js';
import type { AccountCommand } from '../../domain/accounts/commands.js';
import type { AccountEvent } from '../../domain/accounts/events.js';
import type { AccountState } from '../../domain/accounts/state.js';
import type { AggregateType } from '../shared/aggregate-repository.js';

export const accountAggregate: AggregateType<AccountCommand, AccountState, AccountEvent> = {
  decider: accountDecider,
  // 2: holds (with their terms) replaced the never-used reservations.
  snapshotVersion: 2,
};

export { accountStream };
