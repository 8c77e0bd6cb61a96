import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeAllOptions,
  Subscription,
} from '../port.js';
import { READ_STREAM_DEFAULT_MAX, StreamTooLongError } from '../errors.js';
import type { EsdbClient, EsdbReadRevision, EsdbResolvedEvent } from './client.js';
import {
  assertAppendable,
  chainEvents,
  checkDuplicate,
  checkExpected,
  isLedgerEvent,
  isStreamNotFound,
  isWrongExpectedVersion,
  mapEsdbError,
  positionOf,
  toEsdbEvent,
  toReadPosition,
  toRecordedEvent,
} from './mapping.js';
import { EsdbSubscriptionAdapter } from './subscription.js';

export interface EventStoreDbOptions {
  /** Events read back from the end of a stream to find an idempotent retry. */
  duplicateWindow?: number;
  /** Attempts when another writer moves the stream between our read and write. */
  maxConflictRetries?: number;
  /** Page size when scanning `$all` past system events. */
  allPageSize?: number;
}

/**
 * The event store over EventStoreDB/KurrentDB.
 *
 * Append: the server knows nothing of our hash chain, so the adapter reads the
 * stream's tail (backwards, `duplicateWindow` events) to learn the last
 * revision and hash, and to spot an idempotent retry; checks the caller's
 * expected revision against it; links the new events; and appends with
 * `expectedRevision` = the revision it read. A writer that got in between makes
 * the server refuse with WrongExpectedVersion instead of the chain forking; the
 * adapter then starts over (re-checking duplicates and the caller's
 * expectation), a bounded number of times. The stored events are read back so
 * the result carries their real positions and creation times.
 *
 * Limits: ids are deduplicated within the stream's last `duplicateWindow`
 * events only (ESDB has no global event-id index, so an id already used in
 * another stream is not detected, unlike the SQL adapter).
 */
export class EventStoreDbStore implements EventStore {
  readonly kind = 'eventstoredb' as const;
  /**
   * KurrentDB 25 appends to several streams atomically, but the client this
   * adapter uses (@eventstore/db-client 6) has no call for it: a transfer's
   * legs go stream by stream, finished by the settlement process after a crash.
   */
  readonly atomicMultiStream = false;
  private readonly duplicateWindow: number;
  private readonly maxConflictRetries: number;
  private readonly allPageSize: number;
  private readonly subscriptions = new Set<EsdbSubscriptionAdapter>();

  constructor(
    private readonly client: EsdbClient,
    options: EventStoreDbOptions = {},
  ) {
    this.duplicateWindow = options.duplicateWindow ?? 100;
    this.maxConflictRetries = options.maxConflictRetries ?? 20;
    this.allPageSize = options.allPageSize ?? 500;
  }

  async append(stream: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    assertAppendable(stream, events);
    if (typeof expected === 'bigint' && expected < 0n) throw new RangeError('expected revision must be >= 0');
    for (let attempt = 0; ; attempt++) {
      const tail = await this.readStream(stream, { direction: 'backwards', max: this.duplicateWindow });
      tail.reverse();
      const duplicate = checkDuplicate(stream, events, tail);
      if (duplicate.kind === 'duplicate') {
        const last = duplicate.events[duplicate.events.length - 1]!;
        return { next_revision: last.revision, position: last.position, events: duplicate.events, duplicate: true };
      }
      const head = tail[tail.length - 1];
      checkExpected(stream, expected, head?.revision);
      const chained = chainEvents(stream, events, head);
      try {
        const result = await this.client.appendToStream(
          stream,
          chained.map((c) => toEsdbEvent(c.event, c.link)),
          { expectedRevision: head?.revision ?? 'no_stream' },
        );
        return await this.readBack(stream, events, chained[0]!.revision, result.position?.commit);
      } catch (error) {
        if (isWrongExpectedVersion(error) && attempt < this.maxConflictRetries) continue;
        throw mapEsdbError(error, stream, expected);
      }
    }
  }

  /** The appended events as stored (positions, creation times). */
  private async readBack(
    stream: string,
    events: NewEvent[],
    firstRevision: bigint,
    appendPosition: bigint | undefined,
  ): Promise<AppendResult> {
    const stored = await this.readStream(stream, { from: firstRevision, max: events.length });
    if (stored.length !== events.length || stored.some((e, i) => e.event_id !== events[i]!.event_id)) {
      throw new Error(`stream ${stream}: appended events not found at revision ${firstRevision} on read-back`);
    }
    if (appendPosition !== undefined && stored.every((e) => e.position === 0n)) {
      // Server without positions on stream reads: only the append's own is known.
      for (const e of stored) e.position = appendPosition;
    }
    const last = stored[stored.length - 1]!;
    return { next_revision: last.revision, position: last.position, events: stored, duplicate: false };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    // Without a max, one event past the cap tells a truncated read from a whole one.
    const max = options.max ?? READ_STREAM_DEFAULT_MAX + 1;
    let from: EsdbReadRevision = options.from ?? (backwards ? 'end' : 'start');
    if (max <= 0 || stream.length === 0 || stream.startsWith('$')) return [];
    if (from === 'end' && !backwards) return [];
    if (from === 'start' && backwards) from = 0n;
    if (typeof from === 'bigint' && from < 0n) {
      if (backwards) return [];
      from = 'start';
    }
    const out: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(stream, {
        fromRevision: from,
        direction: backwards ? 'backwards' : 'forwards',
        maxCount: max,
      });
      for await (const resolved of read) {
        if (resolved.event === undefined) continue;
        out.push(toRecordedEvent(resolved));
      }
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw mapEsdbError(error, stream, 'any');
    }
    if (options.max === undefined && out.length > READ_STREAM_DEFAULT_MAX) throw new StreamTooLongError(stream, READ_STREAM_DEFAULT_MAX);
    return out;
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    if (options.max <= 0) return out;
    let after = options.fromPosition;
    for (;;) {
      // +1: a read from a position includes the event at it.
      const pageSize = Math.max(this.allPageSize, options.max + 1);
      let seen = 0;
      let last = after;
      for await (const resolved of this.client.readAll({
        fromPosition: toReadPosition(after),
        direction: 'forwards',
        maxCount: pageSize,
      })) {
        seen++;
        const position = positionOf(resolved);
        if (position === undefined || position <= after) continue;
        last = position;
        if (!isLedger(resolved)) continue;
        out.push(toRecordedEvent(resolved));
        if (out.length >= options.max) return out;
      }
      if (seen < pageSize || last === after) return out;
      after = last;
    }
  }

  /** Readers here never wait behind open transactions: the head is what was committed. */
  committedHead(): Promise<bigint> {
    return this.headPosition();
  }

  async headPosition(): Promise<bigint> {
    let from: 'end' | bigint = 'end';
    for (;;) {
      let seen = 0;
      let last: bigint | undefined;
      for await (const resolved of this.client.readAll({
        fromPosition: from === 'end' ? 'end' : toReadPosition(from),
        direction: 'backwards',
        maxCount: this.allPageSize,
      })) {
        seen++;
        const position = positionOf(resolved);
        if (position === undefined) continue;
        if (isLedger(resolved)) return position;
        last = position;
      }
      if (seen < this.allPageSize || last === undefined || last === from) return 0n;
      from = last;
    }
  }

  subscribeAll(options: SubscribeAllOptions): Subscription {
    const subscription = new EsdbSubscriptionAdapter(this.client, options, isLedger, (s) =>
      this.subscriptions.delete(s),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await this.client.dispose();
  }
}

function isLedger(resolved: EsdbResolvedEvent): boolean {
  return resolved.event !== undefined && isLedgerEvent(resolved.event);
}
