/**
 * Pure conversions between the port's types and EventStoreDB's.
 *
 * Stored shape. Each event is an ESDB JSON event: id = `event_id`, type =
 * `type`, data = `data`. Its custom metadata is our `EventMetadata` spread at
 * the top level (so ESDB tools show it as is) plus three reserved keys:
 *   - `$correlationId` / `$causationId`: ESDB's own conventions, so the server's
 *     `$by_correlation_id` projection works; dropped again on read;
 *   - `$chain`: `{ v: 1, prev_hash, hash }`, the hash-chain link. ESDB has no
 *     server-side hashing, so the adapter computes it (see event-store-db.ts).
 * Reading strips exactly these keys, so the metadata the writer gave comes back
 * unchanged and `contentDigest` recomputes to the same value. For that reason
 * an append whose metadata has keys starting with `$` is refused.
 *
 * Positions. The port's `position` is the `$all` commit position. ESDB writes
 * each event of an append as its own committed prepare record, so every event
 * has its own commit position and `$all` order is commit-position order.
 */
import {
  DuplicateEventIdError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '../errors.js';
import { contentDigest, GENESIS_HASH, linkHash } from '../hash-chain.js';
import type { EventData, EventMetadata, ExpectedRevision, NewEvent, RecordedEvent } from '../port.js';
import type {
  EsdbAppendExpectedRevision,
  EsdbJsonEventData,
  EsdbReadPosition,
  EsdbRecordedEvent,
  EsdbResolvedEvent,
} from './client.js';

export const CHAIN_KEY = '$chain';
export const CHAIN_VERSION = 1;
const RESERVED_KEYS = new Set([CHAIN_KEY, '$correlationId', '$causationId']);

export interface ChainLink {
  prev_hash: string;
  hash: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HASH = /^[0-9a-f]{64}$/;

/** Same refusals as the SQL adapter, plus metadata keys we could not round-trip. */
export function assertAppendable(stream: string, events: readonly NewEvent[]): void {
  if (events.length === 0) throw new RangeError('append needs at least one event');
  if (stream.length === 0 || stream.startsWith('$')) throw new RangeError(`invalid stream name "${stream}"`);
  const ids = new Set<string>();
  for (const e of events) {
    if (!UUID.test(e.event_id)) throw new RangeError(`event_id must be a uuid: ${e.event_id}`);
    const id = e.event_id.toLowerCase();
    if (ids.has(id)) throw new RangeError(`event_id ${e.event_id} appears twice in one append`);
    ids.add(id);
    if (e.type.length === 0 || e.type.startsWith('$')) throw new RangeError(`invalid event type "${e.type}"`);
    for (const key of Object.keys(e.metadata)) {
      if (key.startsWith('$')) throw new RangeError(`metadata key "${key}" is reserved`);
    }
  }
}

/** System streams/events of the server itself (`$stats-…`, `$>` links, `$metadata`…). */
export function isSystemEvent(record: Pick<EsdbRecordedEvent, 'streamId' | 'type'>): boolean {
  return record.streamId.startsWith('$') || record.type.startsWith('$');
}

/** NewEvent → the ESDB JSON event the adapter appends. */
export function toEsdbEvent(event: NewEvent, link: ChainLink): EsdbJsonEventData {
  const metadata: Record<string, unknown> = {
    ...event.metadata,
    $correlationId: event.metadata.correlation_id,
    [CHAIN_KEY]: { v: CHAIN_VERSION, prev_hash: link.prev_hash, hash: link.hash },
  };
  if (event.metadata.causation_id !== null) metadata.$causationId = event.metadata.causation_id;
  return {
    id: event.event_id,
    contentType: 'application/json',
    type: event.type,
    data: event.data,
    metadata,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** The chain link stored by this adapter, or undefined for events it did not write. */
export function chainOf(record: EsdbRecordedEvent): ChainLink | undefined {
  if (!record.isJson || !isObject(record.metadata) || !isObject(record.data)) return undefined;
  const chain = record.metadata[CHAIN_KEY];
  if (!isObject(chain) || chain.v !== CHAIN_VERSION) return undefined;
  const { prev_hash, hash } = chain;
  if (typeof prev_hash !== 'string' || typeof hash !== 'string' || !HASH.test(prev_hash) || !HASH.test(hash)) {
    return undefined;
  }
  return { prev_hash, hash };
}

/** True for events written by this adapter (the others are not part of the ledger). */
export function isLedgerEvent(record: EsdbRecordedEvent): boolean {
  return !isSystemEvent(record) && chainOf(record) !== undefined;
}

/** The `$all` commit position of a read entry, when the server reported one. */
export function positionOf(resolved: EsdbResolvedEvent): bigint | undefined {
  return resolved.event?.position?.commit ?? resolved.commitPosition;
}

/**
 * ESDB entry → RecordedEvent. Throws for entries this adapter did not write.
 * `fallbackPosition` is used when the server does not report positions on
 * stream reads (before 22.6).
 */
export function toRecordedEvent(resolved: EsdbResolvedEvent, fallbackPosition = 0n): RecordedEvent {
  const record = resolved.event;
  if (record === undefined) throw new TypeError('ESDB entry without an event (unresolved link)');
  const chain = chainOf(record);
  if (chain === undefined || isSystemEvent(record)) {
    throw new TypeError(`ESDB event ${record.id} in ${record.streamId} was not written by the ledger adapter`);
  }
  const stored = record.metadata as Record<string, unknown>;
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stored)) {
    if (!RESERVED_KEYS.has(key)) metadata[key] = value;
  }
  return {
    event_id: record.id,
    type: record.type,
    data: record.data as EventData,
    metadata: metadata as unknown as EventMetadata,
    stream_id: record.streamId,
    revision: record.revision,
    position: positionOf(resolved) ?? fallbackPosition,
    recorded_at: record.created,
    prev_hash: chain.prev_hash,
    hash: chain.hash,
  };
}

export interface ChainedEvent {
  event: NewEvent;
  revision: bigint;
  link: ChainLink;
}

/** Links `events` onto a stream whose last event is `head` (none: a new stream). */
export function chainEvents(
  stream: string,
  events: readonly NewEvent[],
  head: { revision: bigint; hash: string } | undefined,
): ChainedEvent[] {
  let prev = head?.hash ?? GENESIS_HASH;
  let revision = head?.revision ?? -1n;
  return events.map((event) => {
    revision += 1n;
    const hash = linkHash(prev, revision, contentDigest(stream, event));
    const chained = { event, revision, link: { prev_hash: prev, hash } };
    prev = hash;
    return chained;
  });
}

export type DuplicateCheck = { kind: 'new' } | { kind: 'duplicate'; events: RecordedEvent[] };

/**
 * Idempotency, as the SQL adapter decides it: when the first event id is
 * already in the stream, the append is a retry and the stored events are the
 * answer — provided every id is stored, in order, at consecutive revisions.
 * Any other overlap (a later id stored, ids out of place) is a
 * DuplicateEventIdError. `tail` is the end of the stream in revision order;
 * ids older than the tail are not seen.
 */
export function checkDuplicate(stream: string, events: readonly NewEvent[], tail: readonly RecordedEvent[]): DuplicateCheck {
  const byId = new Map(tail.map((e, i) => [e.event_id.toLowerCase(), i] as const));
  const first = byId.get(events[0]!.event_id.toLowerCase());
  if (first === undefined) {
    const clash = events.find((e) => byId.has(e.event_id.toLowerCase()));
    if (clash) throw new DuplicateEventIdError(clash.event_id, stream);
    return { kind: 'new' };
  }
  const stored: RecordedEvent[] = [];
  for (let i = 0; i < events.length; i++) {
    const candidate = tail[first + i];
    const event = events[i]!;
    if (candidate === undefined || candidate.event_id.toLowerCase() !== event.event_id.toLowerCase()) {
      throw new DuplicateEventIdError(event.event_id, stream);
    }
    stored.push(candidate);
  }
  return { kind: 'duplicate', events: stored };
}

/** Checks the caller's expectation against the stream's current last revision. */
export function checkExpected(stream: string, expected: ExpectedRevision, head: bigint | undefined): void {
  const actual = head ?? 'no_stream';
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && head === undefined) ||
    (expected === 'stream_exists' && head !== undefined) ||
    (typeof expected === 'bigint' && head === expected);
  if (!ok) throw new WrongExpectedRevisionError(stream, expected, actual);
}

/** The port's expected revision in the client's vocabulary. */
export function toEsdbExpectedRevision(expected: ExpectedRevision): EsdbAppendExpectedRevision {
  if (typeof expected === 'bigint') {
    if (expected < 0n) throw new RangeError('expected revision must be >= 0');
    return expected;
  }
  return expected;
}

/** Exclusive `$all` position → the client's read position (reads are inclusive). */
export function toReadPosition(position: bigint): EsdbReadPosition {
  if (position < 0n) throw new RangeError('position must be >= 0');
  return position === 0n ? 'start' : { commit: position, prepare: position };
}

function errorType(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const type = (error as { type?: unknown }).type;
  return typeof type === 'string' ? type : undefined;
}

/**
 * Client errors → the port's errors (by the client's `type` tag, which survives
 * duplicated module copies where `instanceof` would not):
 *   wrong-expected-version → WrongExpectedRevisionError (actual from the server);
 *   stream-not-found, stream-deleted → StreamNotFoundError (a deleted stream
 *   cannot be appended to or read any more);
 * anything else is returned unchanged.
 */
export function mapEsdbError(error: unknown, stream: string, expected: ExpectedRevision): unknown {
  switch (errorType(error)) {
    case 'wrong-expected-version': {
      const actual = (error as { actualVersion?: unknown }).actualVersion;
      return new WrongExpectedRevisionError(stream, expected, typeof actual === 'bigint' ? actual : 'no_stream');
    }
    case 'stream-not-found':
    case 'stream-deleted': {
      const name = (error as { streamName?: unknown }).streamName;
      return new StreamNotFoundError(typeof name === 'string' && name.length > 0 ? name : stream);
    }
    default:
      return error;
  }
}

export function isStreamNotFound(error: unknown): boolean {
  return errorType(error) === 'stream-not-found';
}

export function isWrongExpectedVersion(error: unknown): boolean {
  return errorType(error) === 'wrong-expected-version';
}
