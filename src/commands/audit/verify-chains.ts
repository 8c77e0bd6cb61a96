import type { ChainBreak } from '../../eventstore/hash-chain.js';
import type { EventStore } from '../../eventstore/port.js';
import { ChainVerifier } from './chain-verifier.js';

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
  ok: boolean;
  break_count: number;
  breaks: ChainBreak[];
  breaks_truncated: boolean;
}

export interface VerifyOptions {
  batchSize?: number;
  onProgress?: (p: VerifyProgress) => void;
}

function report(v: ChainVerifier, scope: 'all' | 'stream', stream: string | null, head: bigint): VerifyReport {
  return {
    scope,
    stream_id: stream,
    head_position: head,
    streams_checked: v.streams,
    events_checked: v.events,
    ok: v.breakCount === 0,
    break_count: v.breakCount,
    breaks: v.breaks,
    breaks_truncated: v.breaksTruncated,
  };
}

/**
 * Walks `$all` up to the head as it is now, in batches, checking every
 * stream's chain as its events pass: memory grows with the number of streams,
 * never with the number of events.
 */
export async function verifyAllStreams(store: EventStore, options: VerifyOptions = {}): Promise<VerifyReport> {
  const batchSize = options.batchSize ?? 5_000;
  const head = await store.headPosition();
  const verifier = new ChainVerifier();
  let position = 0n;
  while (position < head) {
    const batch = await store.readAll({ fromPosition: position, max: batchSize });
    if (batch.length === 0) break;
    for (const event of batch) {
      if (event.position > head) break;
      verifier.push(event);
      position = event.position;
    }
    options.onProgress?.({ at: position, target: head, events: verifier.events });
    if (batch[batch.length - 1]!.position > head) break;
  }
  return report(verifier, 'all', null, head);
}

/** Reads one stream forwards in pages and checks its chain. */
export async function verifyStream(store: EventStore, stream: string, options: VerifyOptions = {}): Promise<VerifyReport> {
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
