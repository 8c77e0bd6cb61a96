import { billDecider, type BillCommand, type BillState } from '../../domain/bills/decider.js';
import { billStream, type BillEvent } from '../../domain/bills/events.js';
import type { AggregateType } from '../shared/aggregate-repository.js';

export const billAggregate: AggregateType<BillCommand, BillState, BillEvent> = {
  decider: billDecider,
  snapshotVersion: 1,
};

export { billStream };
