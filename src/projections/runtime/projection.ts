import type { BankEventType } from '../../domain/events.js';
import { ofTypes, type BankRecordedEvent } from '../../eventstore/bank-events.js';
import type { RecordedEvent } from '../../eventstore/port.js';
import type { Queryable } from '../../infra/db.js';

interface ProjectionBase {
  readonly name: string;
  /** Bump when the tables or the meaning of apply change: the runtime rebuilds from 0. */
  readonly version: number;
  /** Table names (without schema) the projection owns. */
  readonly tables: readonly string[];
  /**
   * Tables (of `tables`) whose rows are only ever inserted, each event giving
   * at most one row per key, by statements that name no conflict target
   * (`on conflict do nothing`) or by insertRows (insert-rows.ts, which uses
   * COPY in a load): a rebuild, which applies each event once, loads them
   * without their primary key and unique indexes and creates those after the
   * load (a duplicate key would then fail the rebuild). A table whose rows
   * later events update by key qualifies if the projection sets those
   * updates aside while loading (`inLoad`) and applies them in `load.finish`.
   */
  readonly insertOnly?: readonly string[];
  /** What a projection sets aside during a rebuild's load, in its build schema (dropped with it). */
  readonly load?: {
    /** Creates the tables it sets aside into (after `setup`, in the build schema; no indexes needed). */
    setup(tx: Queryable, schema: string): Promise<void>;
    /** Applies what was set aside, once the load is over and its keys and indexes are back, before the swap. */
    finish(tx: Queryable, schema: string): Promise<void>;
  };
  /** Creates the tables and indexes in `schema` (which exists and is empty of them). */
  setup(tx: Queryable, schema: string): Promise<void>;
}

/**
 * A read model. Its tables live in a PostgreSQL schema chosen by the runtime:
 * `rm` when live, a fresh one while it is rebuilt. Every statement must name
 * its tables through `schema` (`${schema}.balances`), create nothing outside
 * it, and keep no foreign keys to other projections' tables, so a rebuild can
 * build fresh tables beside the live ones and swap them in.
 *
 * It declares the event types it `handles`; the runtime passes `apply` only
 * those, with their payloads typed.
 */
export interface TypedProjection<T extends BankEventType> extends ProjectionBase {
  readonly handles: readonly T[];
  /**
   * Applies a batch (never empty), in position order, inside the transaction
   * that also moves the checkpoint. Must not commit, and must not read anything but `tx`.
   */
  apply(tx: Queryable, events: readonly BankRecordedEvent<T>[], schema: string): Promise<void>;
}

/** A projection of every event of the log, whatever its type, untyped (the runtime's tests count them). */
export interface WholeLogProjection extends ProjectionBase {
  readonly handles: 'all';
  apply(tx: Queryable, events: readonly RecordedEvent[], schema: string): Promise<void>;
}

export type Projection = TypedProjection<BankEventType> | WholeLogProjection;

const filters = new WeakMap<Projection, (events: readonly RecordedEvent[]) => BankRecordedEvent[]>();

/** Events a projection handles: the whole log's, or typed bank events. */
export type HandledEvents = readonly RecordedEvent[] | readonly BankRecordedEvent[];

/** The events of the batch that `projection` handles, in order. */
export function handledEvents(projection: Projection, events: readonly RecordedEvent[]): HandledEvents {
  if (projection.handles === 'all') return events;
  let handled = filters.get(projection);
  if (!handled) filters.set(projection, (handled = ofTypes(projection.handles)));
  return handled(events);
}

/** Applies events that `projection` handles (handledEvents gave them); nothing when there are none. */
export async function applyEvents(projection: Projection, tx: Queryable, mine: HandledEvents, schema: string): Promise<void> {
  if (mine.length === 0) return;
  if (projection.handles === 'all') await projection.apply(tx, mine as readonly RecordedEvent[], schema);
  else await projection.apply(tx, mine as readonly BankRecordedEvent[], schema);
}

/** Applies the events of the batch that `projection` handles; nothing when there are none. */
export async function applyHandled(projection: Projection, tx: Queryable, events: readonly RecordedEvent[], schema: string): Promise<void> {
  await applyEvents(projection, tx, handledEvents(projection, events), schema);
}

export type EventHandler<T extends BankEventType> = (tx: Queryable, event: BankRecordedEvent<T>, schema: string) => Promise<void>;

/** `handles` and an `apply` that runs one handler per event type: the handlers' names are the types handled. */
export function byEventType<T extends BankEventType>(handlers: { [K in T]: EventHandler<K> }): Pick<TypedProjection<T>, 'handles' | 'apply'> {
  return {
    handles: Object.keys(handlers) as T[],
    async apply(tx, events, schema) {
      for (const event of events) await (handlers[event.type as T] as EventHandler<T>)(tx, event, schema);
    },
  };
}

/** The schema live read models are served from. */
export const LIVE_SCHEMA = 'rm';

/** Where a projection is rebuilt before the swap. */
export const buildSchema = (name: string) => `rm_build_${name}`;

const NAME = /^[a-z][a-z0-9_]{0,40}$/;

export function checkProjection(p: Projection): void {
  if (!NAME.test(p.name)) throw new Error(`projection name "${p.name}" must match ${NAME}`);
  if (!Number.isInteger(p.version) || p.version < 1) throw new Error(`projection ${p.name}: version must be a positive integer`);
  for (const t of p.tables) if (!NAME.test(t)) throw new Error(`projection ${p.name}: table name "${t}" must match ${NAME}`);
}
