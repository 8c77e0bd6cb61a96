import { expect } from 'chai';
import type { RecordedEvent } from '../../../src/eventstore/port.js';
import { RecentEvents } from '../../../src/eventstore/sql/recent-events.js';

const at = (...positions: number[]) => positions.map((p) => ({ position: BigInt(p) }) as RecordedEvent);
const pos = (events: readonly RecordedEvent[] | undefined) => events?.map((e) => Number(e.position));

describe('recent events (shared $all reads)', () => {
  it('covers nothing until a read is recorded, and an empty read covers nothing', () => {
    const recent = new RecentEvents(100);
    expect(recent.take(0n, 10)).to.equal(undefined);
    recent.record(0n, []);
    expect(recent.take(0n, 10)).to.equal(undefined);
    expect(recent.end).to.equal(undefined);
  });

  it('hands out what was read, from any position inside the stretch, with gaps kept', () => {
    const recent = new RecentEvents(100);
    recent.record(10n, at(11, 12, 15, 16));
    expect(pos(recent.take(10n, 10))).to.deep.equal([11, 12, 15, 16]);
    expect(pos(recent.take(12n, 10))).to.deep.equal([15, 16]);
    expect(pos(recent.take(13n, 1))).to.deep.equal([15]);
    expect(pos(recent.take(16n, 10))).to.deep.equal([]);
    // Outside the stretch: below its start, or past its end.
    expect(recent.take(9n, 10)).to.equal(undefined);
    expect(recent.take(17n, 10)).to.equal(undefined);
    expect(recent.end).to.equal(16n);
  });

  it('grows with reads that start inside it, starts over ahead of it, ignores reads behind it', () => {
    const recent = new RecentEvents(100);
    recent.record(10n, at(11, 12));
    recent.record(11n, at(12, 14));
    expect(pos(recent.take(10n, 10))).to.deep.equal([11, 12, 14]);
    recent.record(2n, at(3, 4, 11));
    expect(pos(recent.take(10n, 10))).to.deep.equal([11, 12, 14]);
    expect(recent.take(2n, 10)).to.equal(undefined);
    recent.record(20n, at(21));
    expect(recent.take(14n, 10)).to.equal(undefined);
    expect(pos(recent.take(20n, 10))).to.deep.equal([21]);
  });

  it('keeps only the newest events, and its start moves with them', () => {
    const recent = new RecentEvents(3);
    recent.record(0n, at(1, 2, 3, 4, 5));
    expect(pos(recent.take(2n, 10))).to.deep.equal([3, 4, 5]);
    expect(recent.take(1n, 10)).to.equal(undefined);
  });
});
