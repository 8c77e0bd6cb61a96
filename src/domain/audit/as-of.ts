import { DomainError } from '../shared/domain-error.js';

/** A point in a stream's history: a global position, or an instant. */
export type AsOf = { kind: 'position'; position: bigint } | { kind: 'time'; at: Date };

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * `as_of` as the API and CLI take it: digits are a global position, an ISO 8601
 * date or date-time (with its offset) is an instant. Anything else is refused.
 */
export function parseAsOf(raw: string): AsOf {
  const text = raw.trim();
  if (/^\d{1,19}$/.test(text)) return { kind: 'position', position: BigInt(text) };
  if (ISO_INSTANT.test(text)) {
    const at = new Date(text);
    if (!Number.isNaN(at.getTime())) return { kind: 'time', at };
  }
  throw new DomainError('invalid_as_of', 'as_of must be an event position (digits) or an ISO 8601 date-time with offset.', 400);
}

/** True when an event at `position`, decided at `occurredAt`, is part of the history as of `asOf`. */
export function isWithin(asOf: AsOf, position: bigint, occurredAt: string): boolean {
  return asOf.kind === 'position' ? position <= asOf.position : Date.parse(occurredAt) <= asOf.at.getTime();
}
