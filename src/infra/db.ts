import type { PGlite, Transaction as PGliteTransaction } from '@electric-sql/pglite';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import { finished } from 'node:stream/promises';

/**
 * The read-model database: PostgreSQL through a pg pool, or the embedded PGlite.
 * Queries are plain SQL or knex builders (knex builds SQL only; it holds no
 * connection), so both backends run the same statements. Bigint and numeric
 * columns come back as strings from pg and may come back as numbers from PGlite:
 * select them `::text` when exactness matters.
 */
export interface Queryable {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
  run<R = Record<string, unknown>>(builder: Knex.QueryBuilder | Knex.Raw): Promise<R[]>;
  /**
   * Runs `copy ... from stdin` with `data`, the UTF-8 bytes of COPY's text
   * format (copyText, pg-copy.ts). Only a PostgreSQL transaction has it
   * (PGlite and the pool do not).
   */
  copyFrom?(statement: string, data: Uint8Array): Promise<void>;
}

export interface TransactionOptions {
  /**
   * false: commit without waiting for the WAL flush (synchronous_commit off).
   * A crash may then lose the transaction whole, never part of it: for work
   * that is done again from its own saved position, such as a projector batch
   * and its checkpoint. Default true.
   */
  durable?: boolean;
}

/** The database itself, for what opens its own connection to it (schema migrations, through knex). */
export type DbConnection = { kind: 'postgres'; url: string } | { kind: 'pglite'; pglite: PGlite };

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  readonly connection: DbConnection;
  transaction<T>(work: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  end(): Promise<void>;
}

/** The SQL builder; `sql('rm.balances').where(...)` then `db.run(...)`. */
export const sql: Knex = knexFactory({ client: 'pg' });

function native(builder: Knex.QueryBuilder | Knex.Raw): { text: string; params: unknown[] } {
  const { sql: text, bindings } = builder.toSQL().toNative();
  return { text, params: [...bindings] };
}

type RawQuery = (text: string, params: unknown[]) => Promise<unknown[]>;

function queryable(raw: RawQuery): Queryable {
  return {
    query: <R>(text: string, params: readonly unknown[] = []) => raw(text, [...params]) as Promise<R[]>,
    run: <R>(builder: Knex.QueryBuilder | Knex.Raw) => {
      const { text, params } = native(builder);
      return raw(text, params) as Promise<R[]>;
    },
  };
}

/**
 * Pool settings for a server that may restart or become unreachable: a
 * connection that cannot be had within 10 s fails the request (503) instead
 * of holding it, and TCP keepalive finds connections a vanished server left.
 * The pool replaces broken clients by itself once the server answers again.
 */
export const RESILIENT_POOL: pg.PoolConfig = { connectionTimeoutMillis: 10_000, keepAlive: true };

export function postgresDb(connectionString: string, max = 20): Db & { pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString, max, ...RESILIENT_POOL });
  // An idle client's error (server restart) must not crash the process.
  pool.on('error', () => undefined);
  const base = queryable(async (text, params) => (await pool.query(text, params)).rows);
  return {
    ...base,
    kind: 'postgres',
    connection: { kind: 'postgres', url: connectionString },
    pool,
    async transaction<T>(work: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      // A held client has no pool listener: a server restart must fail the transaction, not end the process.
      const onError = (error: Error) => {
        broken = error;
      };
      client.on('error', onError);
      try {
        await client.query(options.durable === false ? 'begin; set local synchronous_commit = off' : 'begin');
        const tx: Queryable = {
          ...queryable(async (text, params) => (await client.query(text, params)).rows),
          async copyFrom(statement, data) {
            const stream = client.query(copyFromStdin(statement));
            stream.end(data);
            await finished(stream);
          },
        };
        const result = await work(tx);
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch((e: Error) => {
          broken = e;
        });
        throw error;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    end: () => pool.end(),
  };
}

async function pgliteRaw(db: PGlite | PGliteTransaction, text: string, params: unknown[]): Promise<unknown[]> {
  if (params.length === 0) {
    const results = await db.exec(text);
    return results[results.length - 1]?.rows ?? [];
  }
  return (await db.query(text, params)).rows;
}

/** PGlite runs one transaction at a time; other queries wait for it. It never waits for a flush anyway. */
export function pgliteDb(db: PGlite): Db {
  return {
    ...queryable((text, params) => pgliteRaw(db, text, params)),
    kind: 'pglite',
    connection: { kind: 'pglite', pglite: db },
    transaction: <T>(work: (tx: Queryable) => Promise<T>) =>
      db.transaction((tx) => work(queryable((text, params) => pgliteRaw(tx, text, params)))),
    end: async () => undefined,
  };
}
