import { CHAIN_CHECKPOINTS_STREAM, CHECKPOINT_FORMAT, type SignedCheckpoint } from '../domain/audit/chain-checkpoint.js';
import type { EventStore, RecordedEvent } from '../eventstore/port.js';
import type { CheckpointKey } from '../infra/checkpoint-keys.js';
import type { CheckpointToCheck } from './checkpoint-check.js';

/** A checkpoint as appended to the log. */
export interface StoredCheckpoint {
  /** Its revision in the chain-checkpoints stream: 0 for the first. */
  id: bigint;
  event_id: string;
  /** Where the checkpoint event itself stands in $all (after the position it covers). */
  event_position: bigint;
  checkpoint: SignedCheckpoint;
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * A signed checkpoint's members from untrusted JSON (a file, an upload, a
 * stored payload), or a list of what is wrong. Only the shape is checked here;
 * the signature proves the contents.
 */
export function readSignedCheckpoint(value: unknown): { checkpoint: SignedCheckpoint } | { errors: string[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { errors: ['a checkpoint is a JSON object'] };
  const v = value as Record<string, unknown>;
  const errors: string[] = [];
  const text = (name: string, pattern: RegExp, what: string) => {
    if (typeof v[name] !== 'string' || !pattern.test(v[name])) errors.push(`${name} must be ${what}`);
  };
  if (v.format !== CHECKPOINT_FORMAT) errors.push(`format must be "${CHECKPOINT_FORMAT}"`);
  text('position', /^[0-9]{1,19}$/, 'decimal digits');
  if (!Number.isSafeInteger(v.stream_count) || (v.stream_count as number) < 0) errors.push('stream_count must be a whole number');
  text('merkle_root', HEX64, '64 lowercase hex digits');
  text('key_id', HEX64, '64 lowercase hex digits');
  text('signed_at', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/, 'an ISO 8601 instant in UTC');
  text('signature', /^[A-Za-z0-9+/]{86}==$/, 'a base64 Ed25519 signature');
  text('public_key', /^-----BEGIN PUBLIC KEY-----\r?\n[\s\S]{1,400}\r?\n-----END PUBLIC KEY-----\r?\n?$/, 'a PEM public key');
  if (errors.length > 0) return { errors };
  return {
    checkpoint: {
      format: CHECKPOINT_FORMAT,
      position: v.position as string,
      stream_count: v.stream_count as number,
      merkle_root: v.merkle_root as string,
      key_id: v.key_id as string,
      signed_at: v.signed_at as string,
      signature: v.signature as string,
      public_key: v.public_key as string,
    },
  };
}

function stored(event: RecordedEvent): StoredCheckpoint | null {
  if (event.type !== 'ChainCheckpointSigned') return null;
  const read = readSignedCheckpoint(event.data);
  if ('errors' in read) return null;
  return { id: event.revision, event_id: event.event_id, event_position: event.position, checkpoint: read.checkpoint };
}

/**
 * A stored checkpoint by id, or the latest. An event of the stream that is not
 * a well-formed checkpoint (anything appended there by hand) reads as missing
 * and `latest` looks past it, so junk appended after a real checkpoint cannot
 * hide it; one edited in place breaks its chain, which verify reports.
 */
export async function storedCheckpoint(store: EventStore, id: bigint | 'latest'): Promise<StoredCheckpoint | null> {
  if (id !== 'latest') {
    const [event] = await store.readStream(CHAIN_CHECKPOINTS_STREAM, { from: id, max: 1 });
    return event && event.revision === id ? stored(event) : null;
  }
  let from: bigint | 'end' = 'end';
  for (;;) {
    const page = await store.readStream(CHAIN_CHECKPOINTS_STREAM, { direction: 'backwards', from, max: 50 });
    for (const event of page) {
      const found = stored(event);
      if (found) return found;
    }
    const last = page[page.length - 1];
    if (page.length < 50 || !last || last.revision === 0n) return null;
    from = last.revision - 1n;
  }
}

/** Newest first, below the id `before` when given. */
export async function storedCheckpoints(store: EventStore, limit: number, before?: bigint): Promise<StoredCheckpoint[]> {
  if (before !== undefined && before <= 0n) return [];
  const events = await store.readStream(CHAIN_CHECKPOINTS_STREAM, {
    direction: 'backwards',
    from: before === undefined ? 'end' : before - 1n,
    max: limit,
  });
  return events.map(stored).filter((c): c is StoredCheckpoint => c !== null);
}

/** The JSON an auditor keeps: the signed checkpoint and where it is stored. */
export interface CheckpointExport extends SignedCheckpoint {
  id: string;
  event_id: string;
  event_position: string;
}

export function checkpointExport(c: StoredCheckpoint): CheckpointExport {
  return { id: c.id.toString(), event_id: c.event_id, event_position: c.event_position.toString(), ...c.checkpoint };
}

/**
 * A stored checkpoint (the latest by default) to hold the log against, checked
 * with the keys trusted here only: one read from the database proves nothing
 * by the key it carries. Null when there is none, or no key to trust.
 */
export async function storedToCheck(store: EventStore, trusted: readonly CheckpointKey[], id: bigint | 'latest' = 'latest'): Promise<CheckpointToCheck | null> {
  if (trusted.length === 0 && id === 'latest') return null;
  const found = await storedCheckpoint(store, id);
  return found ? { id: found.id.toString(), checkpoint: found.checkpoint, trusted, allowEmbedded: false } : null;
}
