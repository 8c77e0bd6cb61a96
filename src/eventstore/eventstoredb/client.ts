/**
 * The narrow slice of `@eventstore/db-client`'s `EventStoreDBClient` that the
 * adapter uses. The real client satisfies it structurally (checked in open.ts);
 * unit tests pass an in-memory fake.
 */

/** `$all` log position; ESDB orders `$all` by (commit, prepare). */
export interface EsdbPosition {
  commit: bigint;
  prepare: bigint;
}

export type EsdbReadRevision = 'start' | 'end' | bigint;
export type EsdbReadPosition = 'start' | 'end' | EsdbPosition;
export type EsdbDirection = 'forwards' | 'backwards';
export type EsdbAppendExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

/** What the adapter writes: always a JSON event with JSON metadata. */
export interface EsdbJsonEventData {
  id: string;
  contentType: 'application/json';
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** A stored event as the client hands it back (JSON or binary). */
export interface EsdbRecordedEvent {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  created: Date;
  isJson: boolean;
  data: unknown;
  metadata: unknown;
  /** Only reported on stream reads by servers from 22.6 on; always on `$all`. */
  position?: EsdbPosition;
}

export interface EsdbResolvedEvent {
  event?: EsdbRecordedEvent;
  /** Set when the entry is a link (`$>`); the adapter never writes links. */
  link?: unknown;
  commitPosition?: bigint;
}

export interface EsdbAppendResult {
  success: boolean;
  nextExpectedRevision: bigint;
  position?: EsdbPosition;
}

/** A server-side regex filter (the client's `RegexFilter`). */
export interface EsdbFilter {
  filterOn: 'eventType' | 'streamName';
  checkpointInterval: number;
  regex: string;
}

export interface EsdbSubscription extends AsyncIterable<EsdbResolvedEvent> {
  unsubscribe(): Promise<void>;
}

export interface EsdbClient {
  appendToStream(
    streamName: string,
    events: EsdbJsonEventData[],
    options: { expectedRevision: EsdbAppendExpectedRevision },
  ): Promise<EsdbAppendResult>;
  readStream(
    streamName: string,
    options: { fromRevision: EsdbReadRevision; direction: EsdbDirection; maxCount: number | bigint },
  ): AsyncIterable<EsdbResolvedEvent>;
  readAll(options: {
    fromPosition: EsdbReadPosition;
    direction: EsdbDirection;
    maxCount: number | bigint;
  }): AsyncIterable<EsdbResolvedEvent>;
  subscribeToAll(options: { fromPosition: EsdbReadPosition; filter?: EsdbFilter }): EsdbSubscription;
  dispose(): Promise<void>;
}
