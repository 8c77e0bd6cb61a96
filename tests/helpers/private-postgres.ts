/**
 * A PostgreSQL server of a test's own (Debian's pg_createcluster on a free
 * port, trust auth on loopback, fsync on), for tests that restart or stop the
 * server: restarting the shared one on 5432 would break every other suite and
 * every other run on the machine. Falls back to the shared server (and then
 * restarts that one) where the Debian cluster tools are missing.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import { ADMIN_URL } from './postgres.js';
import { freePort } from './service.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const PREFIX = 'nexus_';

export interface PostgresServer {
  /** postgres:// URL of the server's `postgres` database (for freshDatabase). */
  adminUrl: string;
  /** True when this is a server of the test's own. */
  private: boolean;
  /** Stops the server in immediate mode (like a crash), waits `downMs`, starts it and waits until it answers. */
  restart(downMs?: number): Promise<{ downMs: number }>;
  /** Stops and removes a private server; nothing for the shared one. */
  destroy(): Promise<void>;
}

/** The newest installed PostgreSQL major version with a cluster folder (e.g. "15"). */
function installedVersion(): string {
  const versions = readdirSync('/etc/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error('no PostgreSQL under /etc/postgresql');
  return versions[0];
}

/** The cluster serving the shared ADMIN_URL (the one .ci/run starts). */
function sharedCluster(): { version: string; name: string } {
  const version = installedVersion();
  const names = readdirSync(`/etc/postgresql/${version}`);
  return { version, name: names.includes('main') ? 'main' : names[0]! };
}

async function answers(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await c.connect();
    await c.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function waitUntilAnswering(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await answers(url))) {
    if (Date.now() > deadline) throw new Error(`PostgreSQL at ${new URL(url).host} did not answer within ${timeoutMs} ms`);
    await sleep(100);
  }
}

function controller(version: string, name: string, url: string) {
  const ctl = (action: string, ...extra: string[]) =>
    run('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, action, ...extra], { timeout: 60_000 });
  return async (downMs = 1000): Promise<{ downMs: number }> => {
    const t0 = Date.now();
    try {
      await ctl('stop', '-m', 'immediate');
      await sleep(downMs);
    } finally {
      // Always try to bring it back, even when the stop failed.
      for (let attempt = 0; ; attempt++) {
        try {
          await ctl('start');
          break;
        } catch (error) {
          if (await answers(url)) break;
          if (attempt >= 5) throw error;
          await sleep(500);
        }
      }
      await waitUntilAnswering(url, 60_000);
    }
    return { downMs: Date.now() - t0 };
  };
}

/** Removes clusters a crashed earlier run left behind (stopped ones only). */
async function dropLeftovers(version: string): Promise<void> {
  for (const name of readdirSync(`/etc/postgresql/${version}`)) {
    if (!name.startsWith(PREFIX)) continue;
    if (existsSync(`/var/run/postgresql/${version}-${name}.pid`)) continue;
    await run('pg_dropcluster', [version, name]).catch(() => undefined);
  }
}

/** The shared server of ADMIN_URL; `restart` restarts it for everyone on the machine. */
export function sharedPostgresServer(): PostgresServer {
  const { version, name } = sharedCluster();
  return { adminUrl: ADMIN_URL, private: false, restart: controller(version, name, ADMIN_URL), destroy: async () => undefined };
}

export async function startPostgresServer(label = 'pg'): Promise<PostgresServer> {
  try {
    // pg_createcluster --help exits 1: ask pg_lsclusters (exit 0) whether the Debian cluster tools are here.
    await run('pg_lsclusters', []);
  } catch {
    return sharedPostgresServer();
  }
  const version = installedVersion();
  await dropLeftovers(version);
  const name = `${PREFIX}${label.replace(/[^a-z0-9]/gi, '').toLowerCase()}_${randomBytes(3).toString('hex')}`;
  const port = await freePort();
  await run('pg_createcluster', [version, name, '-p', String(port), '--', '--auth=trust'], { timeout: 120_000 });
  // As the shared CI server: loopback only, every commit flushed to disk.
  writeFileSync(`/etc/postgresql/${version}/${name}/conf.d/90-test.conf`, `listen_addresses = '127.0.0.1'\nfsync = on\nautovacuum = off\n`);
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, 'start'], { timeout: 60_000 });
  await waitUntilAnswering(adminUrl, 60_000);
  return {
    adminUrl,
    private: true,
    restart: controller(version, name, adminUrl),
    destroy: async () => {
      await run('pg_dropcluster', ['--stop', version, name], { timeout: 60_000 }).catch(() => undefined);
    },
  };
}
