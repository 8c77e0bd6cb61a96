import { expect } from 'chai';
import { ChainVerifier } from '../../../src/audit/chain-verifier.js';
import { contentDigest, GENESIS_HASH, linkHash, verifyChain } from '../../../src/eventstore/hash-chain.js';
import type { RecordedEvent } from '../../../src/eventstore/port.js';

const metadata = { correlation_id: 'c', causation_id: null, actor: { user_id: null, role: 'system', ip: null }, schema_version: 1, occurred_at: '2026-01-01T00:00:00.000Z' };

function stream(id: string, n: number): RecordedEvent[] {
  const out: RecordedEvent[] = [];
  let prev = GENESIS_HASH;
  for (let i = 0; i < n; i++) {
    const base = { event_id: `${id}-${i}`, type: 'Noted', data: { i: String(i) }, metadata };
    const hash = linkHash(prev, BigInt(i), contentDigest(id, base));
    out.push({ ...base, stream_id: id, revision: BigInt(i), position: 0n, recorded_at: new Date(0), prev_hash: prev, hash });
    prev = hash;
  }
  return out;
}

/** Streams interleaved round-robin, as $all delivers them, with positions assigned. */
function interleave(...streams: RecordedEvent[][]): RecordedEvent[] {
  const out: RecordedEvent[] = [];
  for (let i = 0; streams.some((s) => i < s.length); i++) for (const s of streams) if (s[i]) out.push({ ...s[i]!, position: BigInt(out.length + 1) });
  return out;
}

const kinds = (v: ChainVerifier) => v.breaks.map((b) => `${b.stream_id}@${b.revision}:${b.kind}`);

describe('audit: incremental chain verifier over $all', () => {
  it('passes untouched interleaved streams and counts them', () => {
    const v = new ChainVerifier();
    for (const e of interleave(stream('a', 5), stream('b', 3), stream('c', 7))) v.push(e);
    expect(v.breaks).to.deep.equal([]);
    expect([v.streams, v.events, v.breakCount]).to.deep.equal([3, 15, 0]);
  });

  it('reports the same breaks as verifyChain for each stream: edit, delete, reorder', () => {
    const a = stream('a', 6);
    const b = stream('b', 6);
    const c = stream('c', 6);
    a[2] = { ...a[2]!, data: { i: 'edited' } };
    b.splice(3, 1);
    [c[1], c[2]] = [c[2]!, c[1]!];
    const v = new ChainVerifier();
    for (const e of interleave(a, b, c)) v.push(e);
    const expected = [...verifyChain(a), ...verifyChain(b), ...verifyChain(c)].map((x) => `${x.stream_id}@${x.revision}:${x.kind}`);
    expect(kinds(v).sort()).to.deep.equal(expected.sort());
    expect(kinds(v)).to.include.members(['a@2:hash_mismatch', 'b@4:revision_gap', 'b@4:prev_hash_mismatch', 'c@2:revision_gap']);
  });

  it('finds a deleted first event (the stream starts past revision 0)', () => {
    const v = new ChainVerifier();
    for (const e of stream('d', 3).slice(1)) v.push(e);
    expect(kinds(v)).to.deep.equal(['d@1:revision_gap', 'd@1:prev_hash_mismatch']);
  });

  it('keeps at most maxBreaks and counts the rest', () => {
    const v = new ChainVerifier(2);
    for (const e of stream('e', 5).map((x) => ({ ...x, hash: 'f'.repeat(64) }))) v.push(e);
    expect(v.breaks).to.have.length(2);
    expect(v.breakCount).to.be.greaterThan(2);
    expect(v.breaksTruncated).to.equal(true);
  });
});
