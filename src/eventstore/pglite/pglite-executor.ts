import type { PGlite } from '@electric-sql/pglite';
import type { SqlExecutor, SqlRows, SqlSession } from '../sql/executor.js';

/**
 * PGlite serves one connection: queries are queued by PGlite itself, and a
 * session is simply the instance. Callers that need a transaction use
 * `pglite.transaction`.
 */
export class PGliteExecutor implements SqlExecutor {
  constructor(readonly db: PGlite, private readonly onEnd: () => Promise<void> = async () => undefined) {}

  async query<R>(text: string, params?: unknown[]): Promise<SqlRows<R>> {
    if (params === undefined || params.length === 0) {
      // exec handles several statements (the schema); query handles one with parameters.
      const results = await this.db.exec(text);
      return { rows: (results[results.length - 1]?.rows ?? []) as R[] };
    }
    const result = await this.db.query<R>(text, params);
    return { rows: result.rows };
  }

  async withSession<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    return work(this);
  }

  async end(): Promise<void> {
    await this.db.close();
    await this.onEnd();
  }
}
