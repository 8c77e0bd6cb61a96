import { ensureSystemAccounts } from '../../src/commands/accounts/system-accounts.js';
import { AggregateRepository } from '../../src/commands/shared/aggregate-repository.js';
import { SnapshotStore } from '../../src/commands/shared/snapshots.js';
import { openPostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import type { SqlEventStore } from '../../src/eventstore/sql/sql-event-store.js';
import { postgresDb, type Db } from '../../src/infra/db.js';
import { freshDatabase } from './postgres.js';
import { migrateServiceSchema } from '../../src/migrations/service/index.js';

/** The command side of one suite on its own PostgreSQL database: store, tables, bank accounts. */
export interface CommandSide {
  store: SqlEventStore;
  db: Db;
  /** The suite's repository (it remembers states, like one API process). */
  repo: AggregateRepository;
  /** A repository with nothing remembered, as another process would have. */
  fresh(): AggregateRepository;
}

/** Registers before/after hooks that make (and drop) a fresh database with the command-side tables and the bank's accounts. */
export function commandSide(label: string): CommandSide {
  const side = {} as CommandSide;
  let drop: () => Promise<void> = async () => undefined;
  before(async () => {
    const database = await freshDatabase(label);
    drop = database.drop;
    side.store = await openPostgresEventStore(database.url, 10);
    side.db = postgresDb(database.url, 10);
    await migrateServiceSchema(side.db);
    side.fresh = () => new AggregateRepository(side.store, new SnapshotStore(side.db));
    side.repo = side.fresh();
    await ensureSystemAccounts(side.repo);
  });
  after(async () => {
    await side.store?.close();
    await side.db?.end();
    await drop();
  });
  return side;
}
