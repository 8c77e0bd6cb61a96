import { expect } from 'chai';
import { contentDigest, GENESIS_HASH, linkHash, verifyChain } from '../../src/eventstore/hash-chain.js';
import type { RecordedEvent } from '../../src/eventstore/port.js';

const metadata = {
  correlation_id: 'c-1',
  causation_id: null,
  actor: { user_id: null, role: 'system', ip: null },
  schema_version: 1,
  occurred_at: '2026-01-01T00:00:00.000Z',
};

function chain(n: number): RecordedEvent[] {
  const out: RecordedEvent[] = [];
  let prev = GENESIS_HASH;
  for (let i = 0; i < n; i++) {
    const base = { event_id: `00000000-0000-4000-8000-00000000000${i}`, type: 'Noted', data: { i: String(i) }, metadata };
    const hash = linkHash(prev, BigInt(i), contentDigest('s-1', base));
    out.push({ ...base, stream_id: 's-1', revision: BigInt(i), position: BigInt(i + 1), recorded_at: new Date(0), prev_hash: prev, hash });
    prev = hash;
  }
  return out;
}

describe('hash chain', () => {
  it('verifies an untouched stream', () => {
    expect(verifyChain(chain(4))).to.deep.equal([]);
  });

  it('digest does not depend on key order', () => {
    const a = contentDigest('s', { event_id: 'e', type: 't', data: { a: '1', b: '2' }, metadata });
    const b = contentDigest('s', { event_id: 'e', type: 't', data: { b: '2', a: '1' }, metadata });
    expect(a).to.equal(b);
  });

  it('detects an edited payload', () => {
    const events = chain(4);
    events[2] = { ...events[2]!, data: { i: '999' } };
    const breaks = verifyChain(events);
    expect(breaks.map((b) => [b.revision, b.kind])).to.deep.equal([[2n, 'hash_mismatch']]);
  });

  it('detects a deleted event', () => {
    const events = chain(4);
    events.splice(1, 1);
    const kinds = verifyChain(events).map((b) => b.kind);
    expect(kinds).to.include('revision_gap');
    expect(kinds).to.include('prev_hash_mismatch');
  });

  it('detects two swapped events', () => {
    const events = chain(4);
    [events[1], events[2]] = [events[2]!, events[1]!];
    expect(verifyChain(events).length).to.be.greaterThan(0);
  });
});
