import type { RecordedEvent } from '../../eventstore/port.js';
import type { Queryable } from '../../infra/db.js';

/**
 * A read model. Its tables live in a PostgreSQL schema chosen by the runtime:
 * `rm` when live, a fresh one while it is rebuilt. Every statement must name
 * its tables through `schema` (`${schema}.balances`), create nothing outside
 * it, and keep no foreign keys to other projections' tables, so a rebuild can
 * build fresh tables beside the live ones and swap them in.
 */
export interface Projection {
  readonly name: string;
  /** Bump when the tables or the meaning of apply change: the runtime rebuilds from 0. */
  readonly version: number;
  /** Table names (without schema) the projection owns. */
  readonly tables: readonly string[];
  /** Creates the tables and indexes in `schema` (which exists and is empty of them). */
  setup(tx: Queryable, schema: string): Promise<void>;
  /**
   * Applies a batch, in position order, inside the transaction that also moves
   * the checkpoint. Must not commit, and must not read anything but `tx`.
   */
  apply(tx: Queryable, events: readonly RecordedEvent[], schema: string): Promise<void>;
}

export type EventHandler = (tx: Queryable, event: RecordedEvent, schema: string) => Promise<void>;

/** An `apply` that runs one handler per event type and ignores the rest. */
export function byEventType(handlers: Record<string, EventHandler>): Projection['apply'] {
  return async (tx, events, schema) => {
    for (const event of events) {
      const handler = handlers[event.type];
      if (handler) await handler(tx, event, schema);
    }
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
