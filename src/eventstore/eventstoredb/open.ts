import type { EventStore } from '../port.js';

/** Placeholder until the EventStoreDB adapter lands (issue 2). */
export async function openEventStoreDb(_url: string): Promise<EventStore> {
  throw new Error('EventStoreDB adapter not yet available');
}
