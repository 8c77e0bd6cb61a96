import { loadConfig, type Config } from '../../config/config.js';
import { openPGlite } from '../../eventstore/pglite/pglite-event-store.js';
import { PGliteExecutor } from '../../eventstore/pglite/pglite-executor.js';
import { PgExecutor } from '../../eventstore/postgres/pg-executor.js';
import type { SqlExecutor } from '../../eventstore/sql/executor.js';
import { SqlEventStore } from '../../eventstore/sql/sql-event-store.js';
import { pgliteDb, postgresDb, type Db } from '../../infra/db.js';
import { eventStoreMigrations } from '../../migrations/event-store/index.js';
import { dbReader, migrationStatus, sessionReader, type MigrationStatus } from '../../migrations/run-migrations.js';
import { migrateServiceSchema, serviceMigrations } from '../../migrations/service/index.js';
import type { CliCommand } from '../command.js';
import { cliConfig } from '../infrastructure.js';

/** The configured database: the event store's executor (none with EventStoreDB) and the service's db. */
interface Databases {
  events: SqlExecutor | undefined;
  db: Db;
  close(): Promise<void>;
}

async function openDatabases(config: Config): Promise<Databases> {
  if (config.databaseUrl) {
    const events = config.eventstoreUrl ? undefined : new PgExecutor(config.databaseUrl, 1);
    const db = postgresDb(config.databaseUrl, 1);
    return { events, db, close: async () => { await events?.end(); await db.end(); } };
  }
  const { db: pglite, release } = await openPGlite(config.dataDir);
  const events = new PGliteExecutor(pglite, async () => release());
  return { events, db: pgliteDb(pglite), close: () => events.end() };
}

async function statuses({ events, db }: Databases): Promise<MigrationStatus[]> {
  const list: MigrationStatus[] = [];
  if (events) list.push(await migrationStatus(sessionReader(events), eventStoreMigrations));
  list.push(await migrationStatus(dbReader(db), serviceMigrations));
  return list;
}

function printStatus(status: MigrationStatus): void {
  console.log(`${status.set.title}: ${status.applied.length} applied, ${status.pending.length} pending`);
  for (const m of status.applied) console.log(`  applied  ${m.name}  (batch ${m.batch}, ${m.migrated_at.toISOString()})`);
  for (const name of status.pending) console.log(`  pending  ${name}`);
}

export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'Apply the pending schema migrations (the service also does at every start), or list them with --status',
  usage: 'migrate [--status]   (stop an embedded PGlite service first: one process per data folder)',
  options: {
    status: { type: 'boolean', description: 'list the applied and the pending migrations of each schema set, change nothing' },
  },
  async run(args) {
    const config = cliConfig(loadConfig);
    const databases = await openDatabases(config);
    try {
      if (args.flags.status === true) {
        for (const status of await statuses(databases)) printStatus(status);
        return 0;
      }
      const report = (title: string, applied: string[]) => console.log(`${title}: ${applied.length > 0 ? `applied ${applied.join(', ')}` : 'up to date'}`);
      if (databases.events) report(eventStoreMigrations.title, await SqlEventStore.migrate(databases.db.connection, databases.events));
      report(serviceMigrations.title, await migrateServiceSchema(databases.db));
      return 0;
    } finally {
      await databases.close();
    }
  },
};
