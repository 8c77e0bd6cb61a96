import type { Db } from '../../infra/db.js';
import type { MigrationSet } from '../migration.js';
import { dbReader, runMigrations } from '../run-migrations.js';
import { baseline } from './0001-baseline.js';
import { riskMemoryEntries } from './0002-risk-memory-entries.js';

/**
 * The schemas the service's own role owns: the command side (cmd), the
 * processes' checkpoints and memory (cmd), the read models' schema (rm) and
 * their bookkeeping (rm_meta). Add a migration as the next file here and list it.
 */
export const serviceMigrations: MigrationSet = {
  title: 'service (schemas cmd, rm, rm_meta)',
  schema: 'cmd',
  migrations: [baseline, riskMemoryEntries],
  lockKey: 7_262_003,
};

/** Applies the service's pending migrations to `db` (a read when there are none); their names. */
export function migrateServiceSchema(db: Db): Promise<string[]> {
  return runMigrations({ connection: db.connection, read: dbReader(db) }, serviceMigrations);
}
