import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server the tests use; .ci/run makes sure it is up. */
export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

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

/**
 * A fresh, empty database for one suite (or bench run); `drop()` removes it.
 * Suites never share tables, so they can run in any order.
 */
export async function freshDatabase(label = 't', adminUrl = ADMIN_URL): Promise<ScratchDatabase> {
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

/**
 * pg.Pool#end() resolves before its sockets have closed; dropping the database
 * (with force) meanwhile would kill them and raise an uncaught error.
 */
export async function untilDisconnected(database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { rows } = await admin.query<{ n: number }>(
        'select count(*)::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [database],
      );
      if (rows[0]!.n === 0) return;
      if (Date.now() > deadline) throw new Error(`connections to ${database} still open after 10 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await admin.end();
  }
}
