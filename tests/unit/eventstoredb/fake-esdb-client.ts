/**
 * An in-memory stand-in for EventStoreDBClient, behaving like the server where
 * the adapter depends on it: expected-revision checks, the server's own
 * idempotency (same ids right after the expected revision → success, nothing
 * written), stream-not-found on reads, inclusive reads from a `$all` position,
 * and a catch-up subscription that goes live. Errors are the real client's.
 */
import { StreamNotFoundError, WrongExpectedVersionError } from '@eventstore/db-client';
import type {
  EsdbAppendExpectedRevision,
  EsdbAppendResult,
  EsdbClient,
  EsdbDirection,
  EsdbFilter,
  EsdbJsonEventData,
  EsdbPosition,
  EsdbReadPosition,
  EsdbReadRevision,
  EsdbRecordedEvent,
  EsdbResolvedEvent,
  EsdbSubscription,
} from '../../../src/eventstore/eventstoredb/client.js';

export interface FakeRecord {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  created: Date;
  isJson: boolean;
  data: unknown;
  metadata: unknown;
  position: EsdbPosition;
}

export class FakeEsdbClient implements EsdbClient {
  readonly log: FakeRecord[] = [];
  appendCalls = 0;
  disposed = false;
  /** Runs before each append is applied (e.g. to let a "concurrent" writer in). */
  beforeAppend: ((stream: string) => void | Promise<void>) | undefined;
  /** When false, stream reads omit `position` (servers before 22.6). */
  positionsOnStreamReads = true;
  private nextCommit = 1_000n;
  private readonly listeners = new Set<() => void>();
  readonly subscriptionOptions: { fromPosition: EsdbReadPosition; filter?: EsdbFilter }[] = [];

  private streamRecords(stream: string): FakeRecord[] {
    return this.log.filter((r) => r.streamId === stream);
  }

  /** Writes without any check, e.g. a system event or a foreign event. */
  raw(stream: string, type: string, data: unknown = {}, metadata: unknown = undefined, isJson = true): FakeRecord {
    const revision = BigInt(this.streamRecords(stream).length);
    // Gaps between positions, as in a real transaction log.
    this.nextCommit += 137n;
    const record: FakeRecord = {
      streamId: stream,
      id: crypto.randomUUID(),
      revision,
      type,
      created: new Date(),
      isJson,
      data: structuredClone(data),
      metadata: structuredClone(metadata),
      position: { commit: this.nextCommit, prepare: this.nextCommit },
    };
    this.log.push(record);
    for (const wake of this.listeners) wake();
    return record;
  }

  async appendToStream(
    streamName: string,
    events: EsdbJsonEventData[],
    options: { expectedRevision: EsdbAppendExpectedRevision },
  ): Promise<EsdbAppendResult> {
    this.appendCalls++;
    await this.beforeAppend?.(streamName);
    const existing = this.streamRecords(streamName);
    const current = existing.length === 0 ? undefined : existing[existing.length - 1]!.revision;
    const expected = options.expectedRevision;
    // Server idempotency: the same ids already stored right after the expected revision.
    if (expected !== 'any' && expected !== 'stream_exists') {
      const start = expected === 'no_stream' ? 0 : Number(expected) + 1;
      const same = events.every((e, i) => existing[start + i]?.id === e.id);
      if (start < existing.length && same) {
        const last = existing[start + events.length - 1]!;
        return { success: true, nextExpectedRevision: last.revision, position: last.position };
      }
    }
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && current === undefined) ||
      (expected === 'stream_exists' && current !== undefined) ||
      (typeof expected === 'bigint' && current === expected);
    if (!ok) {
      throw new WrongExpectedVersionError(undefined, {
        streamName,
        expected,
        current: current ?? 'no_stream',
      });
    }
    let last: FakeRecord | undefined;
    for (const e of events) {
      last = this.raw(streamName, e.type, JSON.parse(JSON.stringify(e.data)), JSON.parse(JSON.stringify(e.metadata)));
      last.id = e.id;
    }
    return { success: true, nextExpectedRevision: last!.revision, position: last!.position };
  }

  private resolvedFromStream(record: FakeRecord): EsdbResolvedEvent {
    const event: EsdbRecordedEvent = { ...record, data: structuredClone(record.data), metadata: structuredClone(record.metadata) };
    if (!this.positionsOnStreamReads) delete event.position;
    return { event };
  }

  private resolvedFromAll(record: FakeRecord): EsdbResolvedEvent {
    return {
      event: { ...record, data: structuredClone(record.data), metadata: structuredClone(record.metadata) },
      commitPosition: record.position.commit,
    };
  }

  readStream(
    streamName: string,
    options: { fromRevision: EsdbReadRevision; direction: EsdbDirection; maxCount: number | bigint },
  ): AsyncIterable<EsdbResolvedEvent> {
    const self = this;
    return (async function* () {
      const records = self.streamRecords(streamName);
      if (records.length === 0) throw new StreamNotFoundError(undefined, streamName);
      const max = Number(options.maxCount);
      const backwards = options.direction === 'backwards';
      let picked: FakeRecord[];
      if (backwards) {
        const from = options.fromRevision === 'end' ? Infinity : options.fromRevision === 'start' ? 0 : Number(options.fromRevision);
        picked = records.filter((r) => Number(r.revision) <= from).reverse();
      } else {
        const from = options.fromRevision === 'start' ? 0 : options.fromRevision === 'end' ? Infinity : Number(options.fromRevision);
        picked = records.filter((r) => Number(r.revision) >= from);
      }
      for (const r of picked.slice(0, max)) yield self.resolvedFromStream(r);
    })();
  }

  readAll(options: {
    fromPosition: EsdbReadPosition;
    direction: EsdbDirection;
    maxCount: number | bigint;
  }): AsyncIterable<EsdbResolvedEvent> {
    const self = this;
    return (async function* () {
      const max = Number(options.maxCount);
      const from = options.fromPosition;
      let picked: FakeRecord[];
      if (options.direction === 'forwards') {
        const at = from === 'start' ? -1n : from === 'end' ? BigInt(Number.MAX_SAFE_INTEGER) : from.commit;
        picked = self.log.filter((r) => r.position.commit >= at); // inclusive, like the server
      } else {
        const at = from === 'end' ? BigInt(Number.MAX_SAFE_INTEGER) : from === 'start' ? -1n : from.commit;
        picked = self.log.filter((r) => r.position.commit < at).reverse();
      }
      for (const r of picked.slice(0, max)) yield self.resolvedFromAll(r);
    })();
  }

  subscribeToAll(options: { fromPosition: EsdbReadPosition; filter?: EsdbFilter }): EsdbSubscription {
    this.subscriptionOptions.push(options);
    const self = this;
    let stopped = false;
    let wake: (() => void) | undefined;
    const listener = () => wake?.();
    this.listeners.add(listener);
    const regex = options.filter ? new RegExp(options.filter.regex) : undefined;
    const iterator = (async function* () {
      const from = options.fromPosition;
      // Inclusive at the boundary on purpose: the adapter must make it exclusive.
      let index =
        from === 'start' ? 0 : from === 'end' ? self.log.length : self.log.findIndex((r) => r.position.commit >= from.commit);
      if (index < 0) index = self.log.length;
      try {
        while (!stopped) {
          while (index < self.log.length && !stopped) {
            const r = self.log[index++]!;
            const key = options.filter?.filterOn === 'streamName' ? r.streamId : r.type;
            if (regex && !regex.test(key)) continue;
            yield self.resolvedFromAll(r);
          }
          if (stopped) return;
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      } finally {
        self.listeners.delete(listener);
      }
    })();
    return {
      [Symbol.asyncIterator]: () => iterator,
      async unsubscribe() {
        stopped = true;
        self.listeners.delete(listener);
        wake?.();
      },
    };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }
}
