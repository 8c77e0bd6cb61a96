import type { Knex } from 'knex';
import type { DbConnection, Queryable } from '../infra/db.js';
import { openKnex } from './knex-connection.js';
import type { Migration, MigrationSet, ReadRows } from './migration.js';

/** The database to migrate, and a connection already open to it for the read that finds it current. */
export interface MigrationTarget {
  connection: DbConnection;
  read: ReadRows;
}

/** Reads through a session that returns `{ rows }` (the event store's executors). */
export function sessionReader(session: { query<R>(text: string): Promise<{ rows: R[] }> }): ReadRows {
  return async <R>(text: string) => (await session.query<R>(text)).rows;
}

/** Reads through the service's db (the pool or PGlite it already holds). */
export function dbReader(db: Queryable): ReadRows {
  return <R>(text: string) => db.query<R>(text);
}

export interface AppliedMigration {
  name: string;
  batch: number;
  migrated_at: Date;
}

export interface MigrationStatus {
  set: MigrationSet;
  applied: AppliedMigration[];
  pending: string[];
}

/** knex's migration source over the set's imported modules (no file globbing: the same list in src/ and dist/). */
function migrationSource(set: MigrationSet): Knex.MigrationSource<Migration> {
  return {
    getMigrations: async () => [...set.migrations],
    getMigrationName: (migration) => migration.name,
    getMigration: async (migration) => ({
      up: (knex: Knex) => migration.up(knex),
      down: async () => {
        throw new Error(`migration ${migration.name} is not undone: restore a backup taken before it`);
      },
    }),
  };
}

const missingRelation = (error: unknown) => ['42P01', '3F000'].includes((error as { code?: string }).code ?? '');

function knexReader(knex: Knex): ReadRows {
  return async <R>(text: string) => (await knex.raw<{ rows: R[] }>(text)).rows;
}

async function applied(read: ReadRows, set: MigrationSet): Promise<AppliedMigration[]> {
  try {
    const rows = await read<{ name: string; batch: number; migration_time: Date | string }>(
      `select name, batch, migration_time from "${set.schema}".knex_migrations order by id`,
    );
    return rows.map((r) => ({ name: r.name, batch: Number(r.batch), migrated_at: new Date(r.migration_time) }));
  } catch (error) {
    if (missingRelation(error)) return [];
    throw error;
  }
}

function pendingOf(set: MigrationSet, done: AppliedMigration[]): string[] {
  const names = new Set(done.map((m) => m.name));
  return set.migrations.map((m) => m.name).filter((name) => !names.has(name));
}

/** What the database has applied of `set`, and what it has not; changes nothing. */
export async function migrationStatus(read: ReadRows, set: MigrationSet): Promise<MigrationStatus> {
  const done = await applied(read, set);
  return { set, applied: done, pending: pendingOf(set, done) };
}

/**
 * Applies the set's pending migrations in one transaction (knex's migrator and
 * its lock table) and returns their names. A database that has them all (and
 * is `sound`) costs one read on the open connection and is not written to, so
 * a role that may not change the schemas still starts once their owner has
 * migrated them. Processes starting at once queue on the set's advisory lock:
 * the first migrates, the next find nothing left to do.
 */
export async function runMigrations(target: MigrationTarget, set: MigrationSet): Promise<string[]> {
  if ((await migrationStatus(target.read, set)).pending.length === 0 && (await set.sound?.(target.read)) !== false) return [];
  const knex = openKnex(target.connection);
  const read = knexReader(knex);
  try {
    await knex.raw('select pg_advisory_lock(?)', [set.lockKey]);
    try {
      // Read again under the lock: another process may have migrated meanwhile.
      let ran: string[] = [];
      if ((await migrationStatus(read, set)).pending.length > 0) {
        await knex.raw(`create schema if not exists "${set.schema}"`);
        const [, names] = (await knex.migrate.latest({ migrationSource: migrationSource(set), schemaName: set.schema })) as [number, string[]];
        ran = names;
      }
      if ((await set.sound?.(read)) === false) await set.repair?.(knex);
      return ran;
    } finally {
      await knex.raw('select pg_advisory_unlock(?)', [set.lockKey]).catch(() => undefined);
    }
  } finally {
    await knex.destroy();
  }
}
