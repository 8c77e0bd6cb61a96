import type { DomainEvent } from '../../domain/shared/event.js';
import type { EventData, NewEvent } from '../../eventstore/port.js';
import type { CommandContext } from './command-context.js';

export function toNewEvent(event: DomainEvent, eventId: string, context: CommandContext): NewEvent {
  return {
    event_id: eventId,
    type: event.type,
    data: event.data as EventData,
    metadata: {
      correlation_id: context.correlation_id,
      causation_id: context.causation_id,
      actor: context.actor,
      schema_version: 1,
      occurred_at: context.now.toISOString(),
    },
  };
}
