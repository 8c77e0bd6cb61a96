import { expect } from 'chai';
import type { RecordedEvent } from '../../../src/eventstore/port.js';
import { SharedTail } from '../../../src/eventstore/sql/shared-tail.js';

/** A log in memory whose reads are counted and can be held open. */
function fakeLog() {
  const log: RecordedEvent[] = [];
  const reads: bigint[] = [];
  let gate: Promise<void> | undefined;
  const local: { tail?: SharedTail } = {};
  const append = (n: number) => {
    local.tail?.appended();
    for (let i = 0; i < n; i++) {
      const position = BigInt(log.length + 1);
      log.push({ position, event_id: `e${position}`, stream_id: 's', revision: position - 1n, type: 'T', data: {}, metadata: {} } as unknown as RecordedEvent);
    }
  };
  const read = async (from: bigint, max: number) => {
    reads.push(from);
    const snapshot = log.filter((e) => e.position > from).slice(0, max);
    if (gate) await gate;
    return snapshot;
  };
  const hold = () => {
    let release!: () => void;
    gate = new Promise((r) => (release = r));
    return () => {
      gate = undefined;
      release();
    };
  };
  /** The tail that this log's appends notify, as the store's own appends do. */
  const tailOf = (tail: SharedTail) => (local.tail = tail);
  return { append, read, reads, hold, tailOf };
}

const positions = (events: RecordedEvent[]) => events.map((e) => Number(e.position));

describe('SharedTail: one read of the head of $all for all of a process’s followers', () => {
  it('serves followers at the head from one query, each from its own position', async () => {
    const log = fakeLog();
    const tail = log.tailOf(new SharedTail(log.read, 0, 100, 50));
    log.append(10);
    expect(positions(await tail.readAll(0n, 500))).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    log.append(5);
    log.reads.length = 0;
    const batches = await Promise.all([10n, 10n, 12n, 10n].map((from) => tail.readAll(from, 500)));
    expect(batches.map(positions)).to.deep.equal([[11, 12, 13, 14, 15], [11, 12, 13, 14, 15], [13, 14, 15], [11, 12, 13, 14, 15]]);
    expect(log.reads).to.deep.equal([10n]);
    // A full batch from memory needs no query at all.
    expect(positions(await tail.readAll(11n, 3))).to.deep.equal([12, 13, 14]);
    expect(log.reads).to.deep.equal([10n]);
  });

  it('a follower woken by a local append while a read runs waits for a read started after the append, so it reads past it', async () => {
    const log = fakeLog();
    const tail = log.tailOf(new SharedTail(log.read, 0, 100, 50));
    log.append(3);
    await tail.readAll(0n, 500);
    const release = log.hold();
    const first = tail.readAll(3n, 500);
    await new Promise((resolve) => setImmediate(resolve));
    log.append(2);
    const second = tail.readAll(3n, 500);
    release();
    expect(positions(await first)).to.deep.equal([]);
    expect(positions(await second)).to.deep.equal([4, 5]);
    expect(log.reads.slice(-2)).to.deep.equal([3n, 3n]);
  });

  it('a reader behind the cached run reads the store directly; the cache stays bounded and gap-free', async () => {
    const log = fakeLog();
    const tail = log.tailOf(new SharedTail(log.read, 0, 20, 10));
    log.append(5);
    await tail.readAll(0n, 500);
    let at = 5n;
    for (let round = 0; round < 10; round++) {
      log.append(7);
      const batch = await tail.readAll(at, 500);
      expect(positions(batch)).to.deep.equal(Array.from({ length: 7 }, (_, i) => Number(at) + i + 1));
      at += 7n;
    }
    log.reads.length = 0;
    expect(positions(await tail.readAll(2n, 4))).to.deep.equal([3, 4, 5, 6]);
    expect(log.reads).to.deep.equal([2n]);
    expect(positions(await tail.readAll(at - 3n, 500))).to.deep.equal([73, 74, 75]);
  });

  it('between two local appends, followers asking one after another are served from memory; after the poll interval one query looks for other processes’ appends', async () => {
    const log = fakeLog();
    const tail = log.tailOf(new SharedTail(log.read, 30, 100, 50));
    log.append(4);
    await tail.readAll(0n, 500);
    log.reads.length = 0;
    for (const from of [4n, 2n, 4n]) await tail.readAll(from, 500);
    expect(log.reads).to.deep.equal([]);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(positions(await tail.readAll(4n, 500))).to.deep.equal([]);
    expect(log.reads).to.deep.equal([4n]);
    log.append(1);
    expect(positions(await tail.readAll(4n, 500))).to.deep.equal([5]);
    expect(log.reads).to.deep.equal([4n, 4n]);
  });
});
