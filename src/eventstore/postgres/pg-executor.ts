import pg from 'pg';
import { RESILIENT_POOL } from '../../infra/db.js';
import type { SqlExecutor, SqlRows, SqlSession } from '../sql/executor.js';

/** pg.Pool as the event store's executor. */
export class PgExecutor implements SqlExecutor {
  readonly pool: pg.Pool;

  constructor(connectionString: string, max = 40) {
    this.pool = new pg.Pool({ connectionString, max, ...RESILIENT_POOL });
    // An idle client's error (server restart) must not crash the process.
    this.pool.on('error', () => undefined);
  }

  async query<R>(text: string, params?: unknown[]): Promise<SqlRows<R>> {
    const result = await this.pool.query(text, params);
    return { rows: result.rows as R[] };
  }

  async withSession<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // A checked-out client has no pool listener: without this, a server restart
    // while it is held is an unhandled 'error' event that ends the process.
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      return await work({
        query: async <R>(text: string, params?: unknown[], name?: string) => {
          try {
            const result = name ? await client.query({ name, text, values: params }) : await client.query(text, params);
            return { rows: result.rows as R[] };
          } catch (error) {
            if (!(error as { code?: unknown }).code) broken = error as Error;
            throw error;
          }
        },
      });
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  async end(): Promise<void> {
    await this.pool.end();
  }
}
