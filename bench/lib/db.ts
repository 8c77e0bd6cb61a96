import pg from 'pg';
import { freshDatabase, type ScratchDatabase } from '../../tests/helpers/postgres.js';

/** The server benches create their scratch databases on. */
export const BENCH_ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type { ScratchDatabase };

/** A fresh, empty database for one bench run (the tests' helper, on the bench's server). */
export function freshBenchDatabase(label = 'bench', adminUrl = BENCH_ADMIN_URL): Promise<ScratchDatabase> {
  return freshDatabase(label, adminUrl);
}

/** Server facts worth printing next to figures. */
export async function serverInfo(url: string): Promise<{ version: string; synchronous_commit: string; fsync: string }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ version: string; synchronous_commit: string; fsync: string }>(
      `select current_setting('server_version') as version,
              current_setting('synchronous_commit') as synchronous_commit,
              current_setting('fsync') as fsync`,
    );
    return rows[0]!;
  } finally {
    await c.end();
  }
}
