import type { PGlite, Results } from '@electric-sql/pglite';
import knexFactory, { type Knex } from 'knex';
import ClientPGLite from 'knex-pglite';
import type { DbConnection } from '../infra/db.js';

/**
 * knex-pglite over the service's own PGlite instance (one per data folder):
 * closing knex leaves the instance open, and a statement without parameters
 * runs as a script (PGlite's `exec`), as pg runs it, so one migration may hold
 * many statements.
 */
interface QueryObject {
  sql?: string;
  bindings?: unknown[];
  response?: Results;
}

type PGliteClient = new (config: Knex.Config) => Knex.Client & { _query(connection: PGlite, obj: QueryObject): Promise<QueryObject> };

class SharedPGliteClient extends (ClientPGLite as unknown as PGliteClient) {
  override async destroyRawConnection(): Promise<void> {}

  override async _query(connection: PGlite, obj: QueryObject): Promise<QueryObject> {
    if (obj.bindings && obj.bindings.length > 0) return super._query(connection, obj);
    if (!obj.sql) throw new Error('The query is empty');
    const results = await connection.exec(obj.sql);
    obj.response = results[results.length - 1] ?? { rows: [], fields: [], affectedRows: 0 };
    return obj;
  }
}

const quiet = { warn: () => undefined, deprecate: () => undefined, debug: () => undefined };

/**
 * A knex on one connection of its own (PostgreSQL) or on the shared PGlite:
 * one connection, so a session's advisory lock covers all it runs. Destroy it
 * when done.
 */
export function openKnex(connection: DbConnection): Knex {
  return connection.kind === 'postgres'
    ? knexFactory({ client: 'pg', connection: connection.url, pool: { min: 1, max: 1 }, version: '15', log: quiet })
    : knexFactory({ client: SharedPGliteClient as unknown as typeof Knex.Client, connection: { pglite: connection.pglite } as never, version: '15', log: quiet });
}
