/**
 * The event store port. Shaped after EventStoreDB's client so that every adapter
 * (PostgreSQL, embedded PGlite, EventStoreDB/KurrentDB) behaves the same.
 *
 * Revisions are per stream and start at 0. Positions are global, start at 1 and
 * grow in commit-safe order: a reader that has seen position P never later finds
 * a new event below P. `0n` as a position means "before the first event".
 */

export interface Actor {
  user_id: string | null;
  role: string;
  ip: string | null;
}

export interface EventMetadata {
  correlation_id: string;
  causation_id: string | null;
  actor: Actor;
  schema_version: number;
  /** When the command that produced the event was decided (ISO 8601). */
  occurred_at: string;
}

/** JSON-safe payloads only: money travels as integer minor units in strings. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type EventData = { [key: string]: JsonValue };

export interface NewEvent<T extends EventData = EventData> {
  event_id: string;
  type: string;
  data: T;
  metadata: EventMetadata;
}

/** Any event: a type and its payload (members that older events lack may be optional). */
export interface EventShape {
  type: string;
  data: { [key: string]: JsonValue | undefined };
}

/** What the store adds to every event it records. */
export interface RecordedFields {
  event_id: string;
  metadata: EventMetadata;
  stream_id: string;
  revision: bigint;
  position: bigint;
  recorded_at: Date;
  prev_hash: string;
  hash: string;
}

/**
 * An event as stored. Plain `RecordedEvent` is any event (its type a string,
 * its payload JSON). `RecordedEvent<E>` for a union `E` of typed events is
 * discriminated by type: after `if (e.type === 'X')` the payload is X's.
 */
export type RecordedEvent<E extends EventShape = { type: string; data: EventData }> = E extends EventShape
  ? RecordedFields & { type: E['type']; data: E['data'] }
  : never;

/** `no_stream`: the stream must not exist; `stream_exists`: it must; `any`: no check. */
export type ExpectedRevision = bigint | 'any' | 'no_stream' | 'stream_exists';

export interface AppendResult {
  /** Revision of the last event in the stream after the append. */
  next_revision: bigint;
  /** Global position of the last appended event. */
  position: bigint;
  events: RecordedEvent[];
  /** True when every event id was already stored: nothing new was written. */
  duplicate: boolean;
}

/** One stream's part of a multi-stream append. */
export interface StreamAppend {
  stream: string;
  events: NewEvent[];
  expected: ExpectedRevision;
}

export interface ReadStreamOptions {
  /** Inclusive start revision; defaults to 0 forwards and the end backwards. */
  from?: bigint | 'start' | 'end';
  direction?: 'forwards' | 'backwards';
  /** Most events returned. Without it a store returns the whole rest of the stream up to 1,000,000 events, and fails (StreamTooLongError) rather than return a cut one. */
  max?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events with position strictly greater are returned. */
  fromPosition: bigint;
  max: number;
  /**
   * A follower of the head (projection, process manager, live feed): it may
   * be served from this process's shared read of the head, the rows another
   * follower just read. Readers that must see the stored log as it is now
   * (audits, verification, rebuilds) leave it unset.
   */
  follower?: boolean;
  /**
   * false: the events may come without their hash chain (prev_hash and hash
   * empty), for readers that never look at it: a rebuild's projections (the
   * chain is 128 bytes of the log per event to send and parse, about a fifth
   * of reading a page). Default true.
   */
  chain?: boolean;
}

/** One stream of a `readStreams` call: its events from revision `from` on. */
export interface StreamRead {
  stream: string;
  from: bigint;
}

export interface SubscribeAllOptions {
  /** Exclusive, like readAll. */
  fromPosition: bigint;
  batchSize?: number;
}

/** Events in position order; ends when `close()` is called. */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

export interface EventStore {
  readonly kind: 'postgres' | 'pglite' | 'eventstoredb';
  append(stream: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /**
   * Capability: true when `appendMany` writes several streams in one
   * transaction, all or none. Stores without it (the EventStoreDB client in
   * use) leave it false, and callers append stream by stream instead.
   */
  readonly atomicMultiStream: boolean;
  /**
   * Appends to several distinct streams at once, each with its expected
   * revision: every expectation holds and all events are stored in one commit,
   * or nothing is (WrongExpectedRevisionError / DuplicateEventIdError name the
   * stream that refused). A part whose events are all stored already is a
   * retry and reports them (`duplicate`), as `append` does. Results follow
   * the order of `appends`. Only where `atomicMultiStream` is true.
   */
  appendMany?(appends: StreamAppend[]): Promise<AppendResult[]>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * Optional: several streams' events from a revision on (at most `max` of
   * each), in one read; one list per request, in the order of `reads`.
   * Callers without it read stream by stream.
   */
  readStreams?(reads: StreamRead[], max: number): Promise<RecordedEvent[][]>;
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeAll(options: SubscribeAllOptions): Subscription;
  /**
   * Calls `listener` after each append made through this instance (a hint to
   * wake a local reader early; readers still poll). Returns the unsubscribe.
   */
  onAppended?(listener: () => void): () => void;
  /** Position of the newest event that readers may see (0n when empty). */
  headPosition(): Promise<bigint>;
  /**
   * Position of the newest committed event, which can be past `headPosition`
   * while an older transaction is still open (readers wait for it). Stores
   * whose readers never wait answer their head.
   */
  committedHead(): Promise<bigint>;
  close(): Promise<void>;
}
