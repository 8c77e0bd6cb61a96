import { headsMerkleRoot, type HeadsRoot } from '../eventstore/merkle.js';
import type { EventStore } from '../eventstore/port.js';
import { ChainVerifier } from './chain-verifier.js';

export interface WalkOptions {
  batchSize?: number;
  /** After each batch: the position reached and the events checked so far. */
  onProgress?: (at: bigint, events: number) => void;
  /**
   * Positions (none behind the walk) at which to take the Merkle root of every
   * stream's head, each once every event at or before it has passed (at the
   * end for one beyond `head`).
   */
  rootsAt?: readonly bigint[];
}

/**
 * A walk of `$all` in position order that checks every stream's hash chain as
 * its events pass (ChainVerifier) and can take the heads' Merkle root at any
 * position on the way. It can go on later from where it stopped, so a signer
 * reads only what was appended since its last checkpoint. Memory grows with
 * the number of streams, never with the number of events.
 */
export class ChainWalk {
  readonly verifier = new ChainVerifier();
  /** The last position read (0n before the first event). */
  position = 0n;

  /** Reads from where the walk stands up to `head` (inclusive); returns the roots asked for. */
  async advance(store: EventStore, head: bigint, options: WalkOptions = {}): Promise<Map<bigint, HeadsRoot>> {
    const batchSize = options.batchSize ?? 5_000;
    const pending = [...new Set(options.rootsAt ?? [])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (pending.length > 0 && pending[0]! < this.position) throw new RangeError('the walk is already past a position asked for');
    const roots = new Map<bigint, HeadsRoot>();
    const takeRootsBefore = (position: bigint) => {
      while (pending.length > 0 && pending[0]! < position) roots.set(pending.shift()!, this.headsRoot());
    };
    takeRootsBefore(this.position + 1n);
    while (this.position < head) {
      const batch = await store.readAll({ fromPosition: this.position, max: batchSize });
      if (batch.length === 0) break;
      for (const event of batch) {
        if (event.position > head) break;
        takeRootsBefore(event.position);
        this.verifier.push(event);
        this.position = event.position;
      }
      options.onProgress?.(this.position, this.verifier.events);
      if (batch[batch.length - 1]!.position >= head) break;
    }
    for (const position of pending) roots.set(position, this.headsRoot());
    return roots;
  }

  /** The Merkle root of every stream's head where the walk stands. */
  headsRoot(): HeadsRoot {
    return headsMerkleRoot(this.verifier.heads());
  }
}
