// An in-memory EventStore with just what the security unit tests need (append with revision checks, readStream).
import { WrongExpectedRevisionError } from '../../../src/eventstore/errors.js';
import type { AppendResult, EventStore, ExpectedRevision, NewEvent, ReadStreamOptions, RecordedEvent } from '../../../src/eventstore/port.js';
import type { AggregateRepository as Repo } from '../../../src/commands/shared/aggregate-repository.js';
import { AggregateRepository } from '../../../src/commands/shared/aggregate-repository.js';
import type { SnapshotStore } from '../../../src/commands/shared/snapshots.js';

export class MemoryStore implements EventStore {
  readonly kind = 'postgres' as const;
  readonly atomicMultiStream = false;
  readonly all: RecordedEvent[] = [];

  async append(stream: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const current = this.all.filter((e) => e.stream_id === stream);
    const revision = BigInt(current.length) - 1n;
    const ok = expected === 'any' || (expected === 'no_stream' && revision < 0n) || (expected === 'stream_exists' && revision >= 0n) || expected === revision;
    if (!ok) throw new WrongExpectedRevisionError(stream, expected, revision);
    const recorded = events.map((e, i): RecordedEvent => ({
      ...e, stream_id: stream, revision: revision + 1n + BigInt(i), position: BigInt(this.all.length + i + 1), recorded_at: new Date(), prev_hash: '', hash: '',
    }));
    this.all.push(...recorded);
    return { next_revision: revision + BigInt(events.length), position: BigInt(this.all.length), events: recorded, duplicate: false };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const from = typeof options.from === 'bigint' ? options.from : 0n;
    return this.all.filter((e) => e.stream_id === stream && e.revision >= from);
  }

  ofType(type: string): RecordedEvent[] {
    return this.all.filter((e) => e.type === type);
  }

  readAll(): Promise<RecordedEvent[]> { throw new Error('not used'); }
  subscribeAll(): never { throw new Error('not used'); }
  async headPosition(): Promise<bigint> { return BigInt(this.all.length); }
  async committedHead(): Promise<bigint> { return BigInt(this.all.length); }
  async close(): Promise<void> {}
}

export function memoryRepo(store: MemoryStore): Repo {
  const snapshots = { load: async () => undefined, save: async () => undefined } as unknown as SnapshotStore;
  return new AggregateRepository(store, snapshots);
}
