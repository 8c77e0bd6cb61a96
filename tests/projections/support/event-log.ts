import type { BankEvent } from '../../../src/domain/events.js';
import type { RecordedEvent } from '../../../src/eventstore/port.js';

export const OCCURRED_AT = '2026-01-05T10:00:00.000Z';

/**
 * Recorded events for the folds' tests: each call records the next position
 * (from `start`) in `stream`. Payloads are checked against the domain's union.
 */
export function eventLog(start = 1n): <E extends BankEvent>(stream: string, event: E) => RecordedEvent<E> {
  let position = start;
  return <E extends BankEvent>(stream: string, event: E) => {
    const at = position++;
    const e = {
      event_id: `00000000-0000-4000-8000-${at.toString().padStart(12, '0')}`,
      type: event.type,
      data: event.data,
      metadata: {
        correlation_id: 'c',
        causation_id: null,
        actor: { user_id: null, role: 'test', ip: null },
        schema_version: 1,
        occurred_at: OCCURRED_AT,
      },
      stream_id: stream,
      revision: 0n,
      position: at,
      recorded_at: new Date(OCCURRED_AT),
      prev_hash: '',
      hash: '',
    };
    return e as RecordedEvent<E>;
  };
}
