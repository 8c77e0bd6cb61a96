import type { ChainBreak } from '../eventstore/hash-chain.js';
import type { EventStore } from '../eventstore/port.js';
import { checkCheckpoint, type CheckpointCheck, type CheckpointToCheck } from './checkpoint-check.js';
import { ChainVerifier } from './chain-verifier.js';
import { ChainWalk } from './chain-walk.js';

export interface VerifyProgress {
  /** Position (for $all) or revision (for one stream) reached. */
  at: bigint;
  /** Where the walk ends: the head position, or null for one stream (its end is not known up front). */
  target: bigint | null;
  events: number;
}

export interface VerifyReport {
  scope: 'all' | 'stream';
  stream_id: string | null;
  /** The head position the walk of $all stopped at (events appended later are not checked). */
  head_position: bigint;
  streams_checked: number;
  events_checked: number;
  /** No chain break, and the checkpoint (if any) holds. */
  ok: boolean;
  break_count: number;
  breaks: ChainBreak[];
  breaks_truncated: boolean;
  /** The signed checkpoint the log was held against, or null when none was. */
  checkpoint: CheckpointCheck | null;
}

export interface VerifyOptions {
  batchSize?: number;
  onProgress?: (p: VerifyProgress) => void;
  /** A signed checkpoint the log must still match (whole-log walks only). */
  checkpoint?: CheckpointToCheck;
}

function report(v: ChainVerifier, scope: 'all' | 'stream', stream: string | null, head: bigint, checkpoint: CheckpointCheck | null = null): VerifyReport {
  return {
    scope,
    stream_id: stream,
    head_position: head,
    streams_checked: v.streams,
    events_checked: v.events,
    ok: v.breakCount === 0 && (checkpoint === null || checkpoint.ok),
    break_count: v.breakCount,
    breaks: v.breaks,
    breaks_truncated: v.breaksTruncated,
    checkpoint,
  };
}

/**
 * Walks `$all` up to the head as it is now, in batches, checking every
 * stream's chain as its events pass, and, given a checkpoint, the Merkle root
 * of every stream's head at its position: an edit whose chain was recomputed
 * passes the first and fails the second.
 */
export async function verifyAllStreams(store: EventStore, options: VerifyOptions = {}): Promise<VerifyReport> {
  const head = await store.headPosition();
  const walk = new ChainWalk();
  const at = options.checkpoint ? BigInt(options.checkpoint.checkpoint.position) : undefined;
  const roots = await walk.advance(store, head, {
    batchSize: options.batchSize,
    rootsAt: at === undefined ? [] : [at],
    onProgress: (position, events) => options.onProgress?.({ at: position, target: head, events }),
  });
  const checked = options.checkpoint && at !== undefined ? checkCheckpoint(options.checkpoint, roots.get(at)!, head) : null;
  return report(walk.verifier, 'all', null, head, checked);
}

/** Reads one stream forwards in pages and checks its chain. */
export async function verifyStream(store: EventStore, stream: string, options: Omit<VerifyOptions, 'checkpoint'> = {}): Promise<VerifyReport> {
  const batchSize = options.batchSize ?? 5_000;
  const head = await store.headPosition();
  const verifier = new ChainVerifier();
  let from = 0n;
  for (;;) {
    const page = await store.readStream(stream, { from, max: batchSize });
    for (const event of page) verifier.push(event);
    options.onProgress?.({ at: from + BigInt(page.length), target: null, events: verifier.events });
    if (page.length < batchSize) break;
    from = page[page.length - 1]!.revision + 1n;
  }
  return report(verifier, 'stream', stream, head);
}
