import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { createServer } from 'node:net';
import { ensureBuilt, SERVICE_ENTRY } from './build.js';
import { ApiClient } from './http-client.js';
import { freshDatabase } from './postgres.js';
import { SmtpSink } from './smtp-sink.js';

export interface RunningService {
  api: ApiClient;
  baseUrl: string;
  databaseUrl: string;
  mail: SmtpSink;
  /** The environment the service was given beyond the defaults: its keys and overrides (the CLI reuses its data folder and keys). */
  env: Record<string, string>;
  /** Process ids of the service's processes now running (for CPU figures in benches). */
  pids(): number[];
  /** Output of the service process so far (for failure messages). */
  output(): string;
  /** SIGKILL the process (no cleanup), then `restart()` brings it back on the same database. */
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The keys the services of the tests run with (tests that read the stored events open them with these). */
export const E2E_KEYS = {
  JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-0123456789',
  DATA_MASTER_KEY: 'a3f1c0de5b7e49d2a8c61f0e9d3b7a45c2e8f14b6d09a7c3e5f2b8d1c4a6e903',
  EMAIL_HASH_KEY: '5e2d8b1f0c7a4e93b6d2f8a1c5e09b7d3f4a6c8e2b1d0f9a7c5e3b2d1f0a9c8e',
};

/**
 * Starts the real service (the compiled `dist/src/main.js`) as a child process
 * against a fresh PostgreSQL database and an SMTP sink. Extra environment
 * overrides the defaults.
 */
export async function startService(overrides: Record<string, string> = {}): Promise<RunningService> {
  await ensureBuilt();
  const env = { ...E2E_KEYS, ...overrides };
  const db = await freshDatabase('e2e');
  const mail = await new SmtpSink().start();
  // PORT among the overrides: the test needed the address before the start (e.g. to register it with an OAuth provider).
  const port = overrides.PORT ? Number(overrides.PORT) : await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let log = '';

  const launch = async () => {
    // SERVICE_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the service under a bench.
    const nodeArgs = (process.env.SERVICE_NODE_ARGS ?? '').split(' ').filter((a) => a.length > 0);
    child = spawn(process.execPath, [...nodeArgs, SERVICE_ENTRY], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: db.url,
        EMAIL_HOST: '127.0.0.1',
        EMAIL_PORT: String(mail.port),
        EVENTSTORE_URL: '',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}:\n${log}`);
      try {
        const res = await fetch(`${baseUrl}/health`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`service did not become healthy:\n${log}`);
  };

  const exited = () =>
    new Promise<void>((resolve) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
    });

  await launch();
  return {
    api: new ApiClient(baseUrl),
    baseUrl,
    databaseUrl: db.url,
    mail,
    env,
    pids: () => (child?.pid !== undefined && child.exitCode === null ? [child.pid] : []),
    output: () => log,
    async kill() {
      child?.kill('SIGKILL');
      await exited();
    },
    restart: launch,
    async stop() {
      child?.kill('SIGTERM');
      await exited();
      await mail.stop();
      await db.drop();
    },
  };
}

/**
 * The last position written to the store, read from the table itself. Unlike
 * `/health`'s head_position (how far `$all` is complete, which trails while any
 * write transaction on the server is open), it covers every acknowledged command.
 */
export async function writtenHead(svc: RunningService): Promise<string> {
  const client = new pg.Client({ connectionString: svc.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ head: string | null }>('select max(position)::text as head from es.events');
    return rows[0]?.head ?? '0';
  } finally {
    await client.end();
  }
}
