import { randomUUID } from 'node:crypto';
import type { EventData, EventMetadata, NewEvent, RecordedEvent, Subscription } from '../../src/eventstore/port.js';

/** Direct edits of stored rows, bypassing the store: what an attacker with SQL access could do. */
export interface Tamper {
  /** Replaces the payload of one stored event. */
  editData(eventId: string, data: EventData): Promise<void>;
  /** Removes one stored event. */
  delete(eventId: string): Promise<void>;
  /** Exchanges the payload and metadata of two stored events. */
  swap(eventIdA: string, eventIdB: string): Promise<void>;
}

/** The one method a tamperer needs: pg.Pool and PGlite both fit. */
export interface RawSql {
  query(text: string, params?: unknown[]): Promise<{ rowCount?: number | null; affectedRows?: number }>;
}

function changed(result: { rowCount?: number | null; affectedRows?: number }): number {
  return result.rowCount ?? result.affectedRows ?? 0;
}

/**
 * A Tamper over the `es.events` table shared by the PostgreSQL and PGlite
 * adapters. Like an attacker who owns the table, it first turns off the
 * append-only trigger (src/eventstore/sql/schema.ts), which refuses every edit.
 */
export function sqlTamper(sql: RawSql): Tamper {
  const unguard = () => sql.query('alter table es.events disable trigger user');
  return {
    async editData(eventId, data) {
      await unguard();
      const r = await sql.query('update es.events set data = $2::jsonb where event_id = $1::uuid', [eventId, JSON.stringify(data)]);
      if (changed(r) !== 1) throw new Error(`tamper.editData: event ${eventId} not found`);
    },
    async delete(eventId) {
      await unguard();
      const r = await sql.query('delete from es.events where event_id = $1::uuid', [eventId]);
      if (changed(r) !== 1) throw new Error(`tamper.delete: event ${eventId} not found`);
    },
    async swap(a, b) {
      await unguard();
      const r = await sql.query(
        `update es.events t
            set data = o.data, metadata = o.metadata
           from es.events o
          where (t.event_id = $1::uuid and o.event_id = $2::uuid)
             or (t.event_id = $2::uuid and o.event_id = $1::uuid)`,
        [a, b],
      );
      if (changed(r) !== 2) throw new Error(`tamper.swap: events ${a}, ${b} not both found`);
    },
  };
}

export function metadata(overrides: Partial<EventMetadata> = {}): EventMetadata {
  return {
    correlation_id: randomUUID(),
    causation_id: null,
    actor: { user_id: 'u-1', role: 'teller', ip: '10.0.0.7' },
    schema_version: 1,
    occurred_at: new Date().toISOString(),
    ...overrides,
  };
}

let counter = 0;

/** A fresh event with a new uuid and a payload unique to it. */
export function newEvent(type = 'Noted', data?: EventData, meta?: EventMetadata): NewEvent {
  counter++;
  return {
    event_id: randomUUID(),
    type,
    data: data ?? { n: String(counter), note: `event ${counter}` },
    metadata: meta ?? metadata(),
  };
}

export function newEvents(n: number, type = 'Noted'): NewEvent[] {
  return Array.from({ length: n }, () => newEvent(type));
}

/** A stream name no other test uses. */
export function streamName(label: string): string {
  return `${label}-${randomUUID()}`;
}

/** Polls `condition` until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface Collector {
  readonly received: RecordedEvent[];
  /** Resolves when the iteration has ended (after `close()`), with the error if it threw. */
  readonly done: Promise<unknown>;
  ended(): boolean;
}

/** Drains a subscription in the background into `received`. */
export function collect(subscription: Subscription): Collector {
  const received: RecordedEvent[] = [];
  let finished = false;
  const done = (async () => {
    try {
      for await (const event of subscription) received.push(event);
      return undefined;
    } catch (error) {
      return error;
    } finally {
      finished = true;
    }
  })();
  return { received, done, ended: () => finished };
}

/** Expects `promise` to reject and returns the reason. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** Every event after `fromPosition`, paging through readAll. */
export async function readAllFrom(
  store: { readAll(o: { fromPosition: bigint; max: number }): Promise<RecordedEvent[]> },
  fromPosition: bigint,
): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  let from = fromPosition;
  for (;;) {
    const page = await store.readAll({ fromPosition: from, max: 500 });
    out.push(...page);
    if (page.length < 500) return out;
    from = page[page.length - 1]!.position;
  }
}
