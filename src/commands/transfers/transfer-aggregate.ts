import type { TransferCommand } from '../../domain/transfers/commands.js';
import { transferDecider } from '../../domain/transfers/decider.js';
import { transferStream, type TransferEvent } from '../../domain/transfers/events.js';
import type { TransferState } from '../../domain/transfers/state.js';
import type { AggregateType } from '../shared/aggregate-repository.js';

export const transferAggregate: AggregateType<TransferCommand, TransferState, TransferEvent> = {
  decider: transferDecider,
  snapshotVersion: 1,
};

export { transferStream };
