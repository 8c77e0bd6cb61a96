import type { BillCommand } from '../../domain/bills/commands.js';
import { billDecider } from '../../domain/bills/decider.js';
import type { BillState } from '../../domain/bills/state.js';
import { billStream, type BillEvent } from '../../domain/bills/events.js';
import type { AggregateType } from '../shared/aggregate-repository.js';

export const billAggregate: AggregateType<BillCommand, BillState, BillEvent> = {
  decider: billDecider,
  snapshotVersion: 1,
};

export { billStream };
