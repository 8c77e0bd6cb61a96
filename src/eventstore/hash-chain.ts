import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { NewEvent, RecordedEvent } from './port.js';

/** prev_hash of the first event of every stream. */
export const GENESIS_HASH = '0'.repeat(64);

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * SHA-256 of the canonical JSON (RFC 8785) of everything the writer decided:
 * the stream, the id, the type, the payload and the metadata.
 */
export function contentDigest(stream: string, event: NewEvent): string {
  const canonical = canonicalize({
    stream_id: stream,
    event_id: event.event_id,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
  });
  if (canonical === undefined) throw new TypeError('event is not canonicalizable JSON');
  return sha256(canonical);
}

/**
 * One link of a stream's chain: the previous hash, this event's revision and its
 * content digest. The PostgreSQL adapter computes the same expression in SQL
 * (`sha256(prev || ':' || revision || ':' || digest)`), so keep the two in step.
 */
export function linkHash(prevHash: string, revision: bigint, digest: string): string {
  return sha256(`${prevHash}:${revision.toString()}:${digest}`);
}

export type ChainBreakKind = 'hash_mismatch' | 'prev_hash_mismatch' | 'revision_gap';

export interface ChainBreak {
  stream_id: string;
  revision: bigint;
  event_id: string;
  kind: ChainBreakKind;
  detail: string;
}

/**
 * Checks a whole stream, read forwards from revision 0. Reports every break:
 * an edited event fails its own hash; a deleted one leaves a revision gap and a
 * prev_hash that no longer matches; a reordered pair fails both ways.
 */
export function verifyChain(events: readonly RecordedEvent[]): ChainBreak[] {
  const breaks: ChainBreak[] = [];
  let expectedPrev = GENESIS_HASH;
  let expectedRevision = 0n;
  for (const event of events) {
    const at = { stream_id: event.stream_id, revision: event.revision, event_id: event.event_id };
    if (event.revision !== expectedRevision) {
      breaks.push({ ...at, kind: 'revision_gap', detail: `expected revision ${expectedRevision}, found ${event.revision}` });
    }
    if (event.prev_hash !== expectedPrev) {
      breaks.push({ ...at, kind: 'prev_hash_mismatch', detail: `prev_hash does not match the hash of the event before` });
    }
    const recomputed = linkHash(event.prev_hash, event.revision, contentDigest(event.stream_id, event));
    if (recomputed !== event.hash) {
      breaks.push({ ...at, kind: 'hash_mismatch', detail: `stored hash differs from the hash of the content` });
    }
    expectedPrev = event.hash;
    expectedRevision = event.revision + 1n;
  }
  return breaks;
}
