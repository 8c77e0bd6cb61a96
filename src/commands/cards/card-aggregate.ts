import type { CardCommand } from '../../domain/cards/commands.js';
import { cardDecider, cardStream } from '../../domain/cards/decider.js';
import type { CardEvent } from '../../domain/cards/events.js';
import type { CardState } from '../../domain/cards/state.js';
import type { AggregateType } from '../shared/aggregate-repository.js';

export const cardAggregate: AggregateType<CardCommand, CardState, CardEvent> = {
  decider: cardDecider,
  snapshotVersion: 1,
};

export { cardStream };
