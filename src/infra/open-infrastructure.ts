import type { Config } from '../config/config.js';
import type { EventStore } from '../eventstore/port.js';
import { openPostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import { openPGlite, openPGliteEventStore } from '../eventstore/pglite/pglite-event-store.js';
import { Keyring } from '../privacy/keyring.js';
import { migrateServiceSchema } from '../migrations/service/index.js';
import { PersonalData } from '../privacy/personal-data.js';
import { PrivateEventStore } from '../privacy/private-event-store.js';
import { pgliteDb, postgresDb, type Db } from './db.js';
import type { Logger } from './logger.js';

export interface Infrastructure {
  /** Seals personal fields on append; reads return events as stored (for audit views, verify). */
  store: EventStore;
  /** The same store with reads that open personal fields (aggregates, projections, processes). */
  opened: EventStore;
  /** Data keys and the sealing of personal fields. */
  personal: PersonalData;
  /** The read models (and the service's own state tables). */
  db: Db;
  close(): Promise<void>;
}

/**
 * Migrates the service's schemas in `db` (src/migrations/service; the event
 * store migrated its own when opened), then wraps the event store so personal
 * fields are sealed under per-subject keys kept in `db`.
 */
export async function withPersonalData(raw: EventStore, db: Db, config: Config, close: () => Promise<void>): Promise<Infrastructure> {
  await migrateServiceSchema(db);
  const personal = new PersonalData(new Keyring(db, config.dataMasterKey));
  const store = new PrivateEventStore(raw, personal);
  return { store, opened: store.opened(), personal, db, close };
}

/**
 * Picks the adapters from the configuration (DESIGN.md):
 * EVENTSTORE_URL → EventStoreDB/KurrentDB; else DATABASE_URL → PostgreSQL;
 * else the embedded PGlite in DATA_DIR. Read models live in PostgreSQL
 * (DATABASE_URL), or in PGlite when there is none.
 */
export async function openInfrastructure(config: Config, logger: Logger): Promise<Infrastructure> {
  if (config.databaseUrl) {
    // Two thirds of the process's connections append and read events, the rest serve the read models and
    // the service's tables; with KurrentDB as the event store, the service pool has them all.
    const storeConnections = config.eventstoreUrl ? 0 : Math.max(2, Math.round((config.databasePoolSize * 2) / 3));
    const db = postgresDb(config.databaseUrl, Math.max(2, config.databasePoolSize - storeConnections));
    // The EventStoreDB client (gRPC) is loaded only when it is used: importing it is a good part of a start.
    const store = config.eventstoreUrl
      ? await (await import('../eventstore/eventstoredb/open.js')).openEventStoreDb(config.eventstoreUrl)
      : await openPostgresEventStore(config.databaseUrl, storeConnections, config.appendBatchesInFlight);
    logger.info({ event_store: store.kind, read_models: 'postgres' }, 'infrastructure opened');
    return withPersonalData(store, db, config, async () => { await store.close(); await db.end(); });
  }
  if (config.eventstoreUrl) {
    throw new Error('EVENTSTORE_URL needs DATABASE_URL for the read models');
  }
  const { db: pglite, release, cluster } = await openPGlite(config.dataDir);
  const store = await openPGliteEventStore(pglite, async () => release());
  logger.info({ event_store: 'pglite', data_dir: config.dataDir, cluster }, 'infrastructure opened (embedded PGlite: one process, not for production)');
  return withPersonalData(store, pgliteDb(pglite), config, () => store.close());
}
