import type { NewEvent } from '../../../src/eventstore/port.js';

export const metadata = {
  correlation_id: 'corr-1',
  causation_id: 'cause-1',
  actor: { user_id: 'u-1', role: 'teller', ip: '10.0.0.1' },
  schema_version: 1,
  occurred_at: '2026-01-01T00:00:00.000Z',
};

let counter = 0;

/** A fresh uuid-shaped id, different on every call. */
export function newId(): string {
  counter++;
  return `00000000-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`;
}

export function ev(type: string, data: NewEvent['data'] = {}, id = newId()): NewEvent {
  return { event_id: id, type, data, metadata };
}
