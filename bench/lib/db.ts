import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server benches create their scratch databases on. */
export const BENCH_ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export interface ScratchDatabase {
  url: string;
  name: string;
  drop: () => Promise<void>;
}

/** A fresh, empty database for one bench run; `drop()` removes it. */
export async function freshBenchDatabase(label = 'bench', adminUrl = BENCH_ADMIN_URL): Promise<ScratchDatabase> {
  const name = `nexus_${label.replace(/[^a-z0-9_]/gi, '').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template template0`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(adminUrl, name),
    name,
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
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
