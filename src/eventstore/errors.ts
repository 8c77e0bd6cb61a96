import type { ExpectedRevision } from './port.js';

export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no_stream',
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

/** An event id that is already stored, but not as the same event at the same place. */
export class DuplicateEventIdError extends Error {
  override readonly name = 'DuplicateEventIdError';
  constructor(readonly eventId: string, readonly stream: string) {
    super(`event id ${eventId} already stored elsewhere than as this append to ${stream}`);
  }
}

export class StreamNotFoundError extends Error {
  override readonly name = 'StreamNotFoundError';
  constructor(readonly stream: string) {
    super(`stream ${stream} not found`);
  }
}

/** Most events a readStream without `max` returns; a longer read fails rather than cut the stream short. */
export const READ_STREAM_DEFAULT_MAX = 1_000_000;

/** A readStream without `max` that would return more than the default cap: page with `from` and `max`. */
export class StreamTooLongError extends Error {
  override readonly name = 'StreamTooLongError';
  constructor(readonly stream: string, readonly cap: number) {
    super(`stream ${stream} holds more than ${cap} events from there: read it a page at a time (from, max)`);
  }
}
