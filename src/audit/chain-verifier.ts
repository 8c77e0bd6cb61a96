import { contentDigest, GENESIS_HASH, linkHash, type ChainBreak } from '../eventstore/hash-chain.js';
import type { StreamHead } from '../eventstore/merkle.js';
import type { RecordedEvent } from '../eventstore/port.js';

interface StreamTip {
  revision: bigint;
  hash: string;
}

/**
 * Checks hash chains incrementally, one event at a time in any interleaving
 * of streams (as `$all` delivers them), keeping only each stream's last
 * revision and hash. Reports the same breaks as `verifyChain` does for a
 * whole stream: an edited event fails its own hash, a removed one leaves a
 * revision gap and a prev_hash that no longer matches.
 */
export class ChainVerifier {
  private readonly tips = new Map<string, StreamTip>();
  readonly breaks: ChainBreak[] = [];
  events = 0;

  constructor(private readonly maxBreaks = 10_000) {}

  get streams(): number {
    return this.tips.size;
  }

  /** True once the report holds `maxBreaks` breaks (later ones are counted, not kept). */
  breaksTruncated = false;
  breakCount = 0;

  push(event: RecordedEvent): void {
    this.events++;
    const tip = this.tips.get(event.stream_id);
    const expectedRevision = tip ? tip.revision + 1n : 0n;
    const expectedPrev = tip ? tip.hash : GENESIS_HASH;
    const at = { stream_id: event.stream_id, revision: event.revision, event_id: event.event_id };
    if (event.revision !== expectedRevision) {
      this.report({ ...at, kind: 'revision_gap', detail: `expected revision ${expectedRevision}, found ${event.revision}` });
    }
    if (event.prev_hash !== expectedPrev) {
      this.report({ ...at, kind: 'prev_hash_mismatch', detail: 'prev_hash does not match the hash of the event before' });
    }
    if (linkHash(event.prev_hash, event.revision, contentDigest(event.stream_id, event)) !== event.hash) {
      this.report({ ...at, kind: 'hash_mismatch', detail: 'stored hash differs from the hash of the content' });
    }
    this.tips.set(event.stream_id, { revision: event.revision, hash: event.hash });
  }

  /** Every stream's last event pushed so far: its heads at the position the walk has reached. */
  *heads(): IterableIterator<StreamHead> {
    for (const [stream_id, tip] of this.tips) yield { stream_id, revision: tip.revision, hash: tip.hash };
  }

  private report(b: ChainBreak): void {
    this.breakCount++;
    if (this.breaks.length < this.maxBreaks) this.breaks.push(b);
    else this.breaksTruncated = true;
  }
}
