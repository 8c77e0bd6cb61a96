import { expect } from 'chai';
import { AggregateRepository, type AggregateType } from '../../../src/commands/shared/aggregate-repository.js';
import { SnapshotStore } from '../../../src/commands/shared/snapshots.js';
import type { EventStore, RecordedEvent } from '../../../src/eventstore/port.js';
import type { Db } from '../../../src/infra/db.js';

/** A counter: each event adds one. */
const counter = { decider: { initialState: 0, evolve: (s: number) => s + 1, decide: () => [] }, snapshotVersion: 1 } as unknown as AggregateType<never, number, never>;

const event = (stream: string, revision: bigint): RecordedEvent =>
  ({ event_id: `${stream}-${revision}`, type: 'Counted', data: {}, metadata: {}, stream_id: stream, revision, position: revision + 1n, recorded_at: new Date(), prev_hash: '', hash: '' }) as unknown as RecordedEvent;

describe('AggregateRepository.loadMany when the database goes away mid-way', () => {
  it('rejects once, leaving no rejection of a load it started unhandled (that would end the process)', async () => {
    let down = false;
    const store = {
      kind: 'postgres',
      atomicMultiStream: true,
      readStream: async (stream: string, { from }: { from: bigint }) => (from === 0n ? [event(stream, 0n)] : []),
      readStreams: async () => {
        throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      },
    } as unknown as EventStore;
    // The snapshot read of a stream not remembered fails a little later than the batched tail read.
    const db = {
      query: async () => {
        if (!down) return [];
        await new Promise((r) => setTimeout(r, 20));
        throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      },
    } as unknown as Db;
    const repo = new AggregateRepository(store, new SnapshotStore(db));
    expect((await repo.load(counter, 'remembered')).revision).to.equal(0n);

    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    const mochaListeners = process.listeners('unhandledRejection');
    process.removeAllListeners('unhandledRejection');
    process.on('unhandledRejection', onUnhandled);
    try {
      down = true;
      const outcome = await repo.loadMany([{ type: counter, stream: 'remembered' }, { type: counter, stream: 'new' }]).then(
        () => 'resolved',
        (error: Error) => error.message,
      );
      expect(outcome).to.equal('connect ECONNREFUSED');
      await new Promise((r) => setTimeout(r, 60));
      expect(unhandled.map(String)).to.deep.equal([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      for (const l of mochaListeners) process.on('unhandledRejection', l);
    }
  });
});
