import { DuplicateEventIdError, READ_STREAM_DEFAULT_MAX, StreamTooLongError, WrongExpectedRevisionError } from '../errors.js';
import { contentDigest } from '../hash-chain.js';
import type {
  AppendResult,
  EventData,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  StreamRead,
  SubscribeAllOptions,
  Subscription,
} from '../port.js';
import { PollingSubscription } from '../polling-subscription.js';
import { APPEND_MANY_COLUMNS, AppendBatcher, BatchItemError, itemFailure, streamItemJson, type AppendRow, type BatchRow } from './append-batcher.js';
import { SharedTail } from './shared-tail.js';
import { sqlConstraint, sqlDetail, sqlState, type SqlExecutor, type SqlSession } from './executor.js';
import type { DbConnection } from '../../infra/db.js';
import { eventStoreMigrations } from '../../migrations/event-store/index.js';
import { migrationStatus, runMigrations, sessionReader } from '../../migrations/run-migrations.js';

interface EventRow {
  position: string;
  event_id: string;
  stream_id: string;
  revision: string;
  type: string;
  data: EventData;
  metadata: EventMetadata;
  /** Absent when read without the chain. */
  prev_hash?: string;
  hash?: string;
  /** Milliseconds since the epoch, as text (see EVENT_COLUMNS). */
  recorded_at: string;
}


/**
 * Bigint columns are selected as text so pg and PGlite hand back the same types.
 * The aliases shadow the columns: always order by the qualified `e.position` /
 * `e.revision`, never the text alias. recorded_at comes as whole milliseconds
 * since the epoch (the microseconds dropped, as a Date parsed from the
 * timestamp drops them): parsing timestamptz text cost a rebuild about 3 s of
 * CPU per million events, a Date from a number next to nothing.
 */
const UNCHAINED_COLUMNS = `e.position::text as position, e.event_id::text as event_id, e.stream_id,
  e.revision::text as revision, e.type, e.data, e.metadata,
  floor(extract(epoch from e.recorded_at) * 1000)::bigint::text as recorded_at`;

/** Every column of an event: UNCHAINED_COLUMNS (readAll's `chain: false`) and the hash chain. */
const EVENT_COLUMNS = `${UNCHAINED_COLUMNS}, e.prev_hash, e.hash`;

/** Rows whose transaction (and every earlier appender's) has finished. */
const COMMITTED = `e.tx_id < pg_snapshot_xmin(pg_current_snapshot())`;

const MAX_ANY_RETRIES = 20;

/**
 * The one string for each event type read: the log's types are few, and a
 * type compared or looked up by the same (internalized) string as the code's
 * literals costs a pointer comparison instead of comparing characters (each
 * projection of a rebuild picks its types out of every page, then branches on them).
 */
const eventTypes = new Map<string, string>();
const MAX_EVENT_TYPES = 1_000;

function internedType(type: string): string {
  const known = eventTypes.get(type);
  if (known !== undefined) return known;
  if (eventTypes.size >= MAX_EVENT_TYPES) return type;
  // Through an object key: V8 internalizes the string it keeps.
  const interned = Object.keys({ [type]: 0 })[0]!;
  eventTypes.set(interned, interned);
  return interned;
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    event_id: row.event_id,
    type: internedType(row.type),
    data: row.data,
    metadata: row.metadata,
    stream_id: row.stream_id,
    revision: BigInt(row.revision),
    position: BigInt(row.position),
    recorded_at: new Date(Number(row.recorded_at)),
    prev_hash: row.prev_hash ?? '',
    hash: row.hash ?? '',
  };
}

function expectedText(expected: ExpectedRevision): string {
  if (typeof expected === 'bigint') {
    if (expected < 0n) throw new RangeError('expected revision must be >= 0');
    return expected.toString();
  }
  return expected;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks one stream's append and returns its events as the append functions take them (JSON, with digests). */
function checkedPayload(stream: string, events: NewEvent[]): string {
  if (events.length === 0) throw new RangeError('append needs at least one event');
  if (stream.length === 0 || stream.startsWith('$')) throw new RangeError(`invalid stream name "${stream}"`);
  const ids = new Set<string>();
  for (const e of events) {
    if (!UUID.test(e.event_id)) throw new RangeError(`event_id must be a uuid: ${e.event_id}`);
    if (ids.has(e.event_id)) throw new RangeError(`event_id ${e.event_id} appears twice in one append`);
    ids.add(e.event_id);
  }
  return JSON.stringify(events.map((e) => ({ ...e, digest: contentDigest(stream, e) })));
}

/**
 * The event store over PostgreSQL's SQL, shared by the PostgreSQL (pg) and the
 * embedded PGlite adapters: they differ only in their executor.
 */
export class SqlEventStore implements EventStore {
  readonly atomicMultiStream = true;
  private readonly wakers = new Set<() => void>();
  /** Group commit over a connection pool; PGlite has one connection and appends one by one. */
  private readonly batcher: AppendBatcher | undefined;
  /** The recent end of $all, read once for all of this process's followers (shared-tail.ts). */
  private readonly tail: SharedTail;

  constructor(
    readonly kind: 'postgres' | 'pglite',
    private readonly sql: SqlExecutor,
    private readonly pollIntervalMs = 25,
    batchesInFlight = 2,
  ) {
    this.batcher = kind === 'postgres' ? new AppendBatcher(sql, { maxInFlight: batchesInFlight, maxItems: 50 }) : undefined;
    this.tail = new SharedTail((fromPosition, max) => this.readAllDirect(fromPosition, max), pollIntervalMs);
  }

  /**
   * Applies the pending migrations of schema `es` (src/migrations/event-store),
   * and turns a disabled append-only guard back on. A store that finds them all
   * applied, and the guard on, changes nothing: so a role that may only read and
   * append (README, "Tamper evidence") opens a store its owner has migrated, and
   * is told plainly when the owner has not. Returns the migrations applied.
   */
  static async migrate(connection: DbConnection, sql: SqlSession): Promise<string[]> {
    const read = sessionReader(sql);
    try {
      return await runMigrations({ connection, read }, eventStoreMigrations);
    } catch (error) {
      if (sqlState(error) !== '42501') throw error;
      const { pending } = await migrationStatus(read, eventStoreMigrations).catch(() => ({ pending: [] as string[] }));
      throw new Error(
        `the event store schema es needs migrating${pending.length > 0 ? ` (${pending.join(', ')})` : ''} (or its append-only guard is off), which this database role may not do: ` +
          'run `npm run cli -- event-store-role` (or start the service once) as the schema\'s owner first',
        { cause: error },
      );
    }
  }

  async append(stream: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const payload = checkedPayload(stream, events);
    for (let attempt = 0; ; attempt++) {
      try {
        const rows = this.batcher
          ? await this.batcher.submit(streamItemJson(stream, expectedText(expected), payload))
          : await this.callAppend(stream, expectedText(expected), payload);
        const result = await this.resultOf(stream, events, rows);
        if (!result.duplicate) this.wake();
        return result;
      } catch (error) {
        if (this.mapError(error, stream, expected, events, attempt)) continue;
      }
    }
  }

  async appendMany(appends: StreamAppend[]): Promise<AppendResult[]> {
    if (appends.length === 0) throw new RangeError('appendMany needs at least one stream');
    const streams = new Set(appends.map((a) => a.stream));
    if (streams.size !== appends.length) throw new RangeError('appendMany takes each stream once');
    const seen = new Set<string>();
    for (const a of appends) {
      for (const e of a.events) {
        if (seen.has(e.event_id)) throw new RangeError(`event_id ${e.event_id} appears twice in one append`);
        seen.add(e.event_id);
      }
    }
    const parts = appends.map((a) => streamItemJson(a.stream, expectedText(a.expected), checkedPayload(a.stream, a.events)));
    const json = `{"streams":[${parts.join(',')}]}`;
    for (let attempt = 0; ; attempt++) {
      let sub = 0;
      try {
        const rows = this.batcher ? await this.batcher.submit(json) : await this.callMany(json);
        const results = await Promise.all(
          appends.map((a, i) => {
            sub = i;
            return this.resultOf(a.stream, a.events, rows.filter((r) => Number(r.o_sub) === i));
          }),
        );
        if (results.some((r) => !r.duplicate)) this.wake();
        return results;
      } catch (error) {
        if (error instanceof BatchItemError) sub = error.sub;
        const a = appends[sub]!;
        if (this.mapError(error, a.stream, a.expected, a.events, attempt)) continue;
      }
    }
  }

  /** The append's result; a retry reports what is stored (its payload may differ from the re-decided one). */
  private async resultOf(stream: string, events: NewEvent[], rows: AppendRow[]): Promise<AppendResult> {
    const result = this.toAppendResult(stream, events, rows);
    if (!result.duplicate) return result;
    const first = result.events[0]!.revision;
    const stored = await this.readStream(stream, { from: first, max: events.length });
    return { ...result, events: stored };
  }

  /** Throws the store's error for a failed append; returns true when it should run again. */
  private mapError(error: unknown, stream: string, expected: ExpectedRevision, events: NewEvent[], attempt: number): true {
    const state = sqlState(error);
    if (state === 'ES001') {
      const detail = sqlDetail(error) ?? 'no_stream';
      throw new WrongExpectedRevisionError(stream, expected, detail === 'no_stream' ? 'no_stream' : BigInt(detail));
    }
    if (state === 'ES003') throw new DuplicateEventIdError(sqlDetail(error) ?? events[0]!.event_id, stream);
    const raced = state === '23505';
    if (raced && sqlConstraint(error) === 'events_stream_revision_key' && typeof expected === 'bigint') {
      throw new WrongExpectedRevisionError(stream, expected, expected + 1n);
    }
    // Another writer took the revision (for any/stream_exists/no_stream) or stored
    // the same event ids first: run again, which re-checks both.
    if (raced && attempt < MAX_ANY_RETRIES) return true;
    throw error;
  }

  private async callAppend(stream: string, expected: string, payload: string): Promise<AppendRow[]> {
    return this.sql.withSession(async (session) => {
      try {
        const { rows } = await session.query<AppendRow>(
          `select 0 as o_sub, o_event_id::text as o_event_id, o_position::text as o_position, o_revision::text as o_revision,
                  o_prev_hash, o_hash, o_recorded_at, o_duplicate
             from es.append_events($1, $2, $3::jsonb)`,
          [stream, expected, payload],
        );
        return rows;
      } catch (error) {
        // A failure inside the locked section leaves the session-level lock held.
        await session.query('select pg_advisory_unlock_all()').catch(() => undefined);
        throw error;
      }
    });
  }

  /** One es.append_many item outside the batcher (PGlite): its rows, or its refusal thrown. */
  private async callMany(item: string): Promise<BatchRow[]> {
    const rows = await this.sql.withSession(async (session) => {
      const call = (isolate: boolean) =>
        session.query<BatchRow>(`select ${APPEND_MANY_COLUMNS} from es.append_many($1::jsonb, $2)`, [`[${item}]`, isolate]);
      try {
        return (await call(false)).rows;
      } catch (error) {
        await session.query('select pg_advisory_unlock_all()').catch(() => undefined);
        if (!sqlState(error)) throw error;
        try {
          return (await call(true)).rows;
        } catch (again) {
          await session.query('select pg_advisory_unlock_all()').catch(() => undefined);
          throw again;
        }
      }
    });
    const failed = itemFailure(rows);
    if (failed) throw failed;
    return rows;
  }

  private toAppendResult(stream: string, events: NewEvent[], rows: AppendRow[]): AppendResult {
    const recorded: RecordedEvent[] = rows.map((row, i) => {
      const event = events[i]!;
      if (row.o_position === null || row.o_revision === null) {
        throw new DuplicateEventIdError(event.event_id, stream);
      }
      return {
        ...event,
        stream_id: stream,
        revision: BigInt(row.o_revision),
        position: BigInt(row.o_position),
        recorded_at: row.o_recorded_at instanceof Date ? row.o_recorded_at : new Date(row.o_recorded_at ?? 0),
        prev_hash: row.o_prev_hash ?? '',
        hash: row.o_hash ?? '',
      };
    });
    const duplicate = rows[0]?.o_duplicate === true;
    if (duplicate) {
      // An idempotent retry must be the same events at consecutive revisions.
      for (let i = 1; i < recorded.length; i++) {
        if (recorded[i]!.revision !== recorded[i - 1]!.revision + 1n) {
          throw new DuplicateEventIdError(recorded[i]!.event_id, stream);
        }
      }
    }
    const last = recorded[recorded.length - 1]!;
    return { next_revision: last.revision, position: last.position, events: recorded, duplicate };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    // Without a max, one row past the cap tells a truncated read from a whole one.
    const max = options.max ?? READ_STREAM_DEFAULT_MAX + 1;
    const from = options.from ?? (backwards ? 'end' : 'start');
    const params: unknown[] = [stream, max];
    let bound = '';
    if (typeof from === 'bigint') {
      params.push(from.toString());
      bound = backwards ? 'and e.revision <= $3::bigint' : 'and e.revision >= $3::bigint';
    } else if (from === 'end' && !backwards) {
      return [];
    } else if (from === 'start' && backwards) {
      bound = 'and e.revision <= 0';
    }
    const { rows } = await this.sql.query<EventRow>(
      `select ${EVENT_COLUMNS} from es.events e
        where e.stream_id = $1 ${bound}
        order by e.revision ${backwards ? 'desc' : 'asc'} limit $2`,
      params,
    );
    if (options.max === undefined && rows.length > READ_STREAM_DEFAULT_MAX) throw new StreamTooLongError(stream, READ_STREAM_DEFAULT_MAX);
    return rows.map(toRecorded);
  }


  /** Every stream's tail in one statement (a lateral read per stream, each by its (stream, revision) key). */
  async readStreams(reads: StreamRead[], max: number): Promise<RecordedEvent[][]> {
    if (reads.length === 0) return [];
    const { rows } = await this.sql.query<EventRow & { i: number }>(
      `select t.i::int as i, x.* from unnest($1::text[], $2::bigint[]) with ordinality as t(stream_id, from_revision, i)
        cross join lateral (
          select ${EVENT_COLUMNS} from es.events e
           where e.stream_id = t.stream_id and e.revision >= t.from_revision
           order by e.revision limit $3) x
        order by t.i, x.revision::bigint`,
      [reads.map((r) => r.stream), reads.map((r) => r.from.toString()), max],
    );
    const lists: RecordedEvent[][] = reads.map(() => []);
    for (const row of rows) lists[row.i - 1]!.push(toRecorded(row));
    return lists;
  }

  readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    if (options.follower) return this.tail.readAll(options.fromPosition, options.max);
    return this.readAllDirect(options.fromPosition, options.max, options.chain ?? true);
  }

  private async readAllDirect(fromPosition: bigint, max: number, chain = true): Promise<RecordedEvent[]> {
    const { rows } = await this.sql.query<EventRow>(
      `select ${chain ? EVENT_COLUMNS : UNCHAINED_COLUMNS} from es.events e
        where e.position > $1::bigint and ${COMMITTED}
        order by e.position limit $2`,
      [fromPosition.toString(), max],
    );
    return rows.map(toRecorded);
  }

  async headPosition(): Promise<bigint> {
    const { rows } = await this.sql.query<{ head: string | null }>(
      `select max(e.position)::text as head from es.events e where ${COMMITTED}`,
    );
    return BigInt(rows[0]?.head ?? '0');
  }

  async committedHead(): Promise<bigint> {
    const { rows } = await this.sql.query<{ head: string | null }>(`select max(e.position)::text as head from es.events e`);
    return BigInt(rows[0]?.head ?? '0');
  }

  subscribeAll(options: SubscribeAllOptions): Subscription {
    return new PollingSubscription(
      (fromPosition, max) => this.readAll({ fromPosition, max, follower: true }),
      options,
      this.pollIntervalMs,
      this.wakers,
    );
  }

  onAppended(listener: () => void): () => void {
    this.wakers.add(listener);
    return () => this.wakers.delete(listener);
  }

  private wake(): void {
    this.tail.appended();
    for (const w of this.wakers) w();
  }

  async close(): Promise<void> {
    await this.sql.end();
  }
}
