/**
 * The service as separate real processes for fault tests: the API
 * (`src/main.ts`, PROJECTOR_IN_PROCESS=false) and the standalone projector
 * (`src/projections/main.ts`, which also runs the settlement and risk
 * processes), both on a fresh PostgreSQL database, each of which can be
 * SIGKILLed, SIGSTOPped/SIGCONTed and restarted; plus a PostgreSQL restart in
 * immediate mode. A `Cluster` is a `RunningService`, so the user helpers work on it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import pg from 'pg';
import { ApiClient } from './http-client.js';
import { ADMIN_URL, freshDatabase } from './postgres.js';
import type { RunningService } from './service.js';
import { SmtpSink } from './smtp-sink.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const LOG_CAP = 256 * 1024;

async function freePort(): Promise<number> {
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

/** One child process that can be killed, paused and started again with the same command. */
export class ManagedProcess {
  private child: ChildProcess | undefined;
  private log = '';
  /** Output of the current incarnation only (capped). */
  private current = '';
  /** Lines seen so far matching `countPattern` (over every incarnation). */
  matches = 0;
  starts = 0;
  paused = false;

  constructor(
    readonly name: string,
    private readonly script: string,
    private readonly env: NodeJS.ProcessEnv,
    /** Called with the output of the current incarnation until it says the process is ready. */
    private readonly ready: (output: string) => Promise<boolean>,
    private readonly readyTimeoutMs = 60_000,
    private readonly countPattern?: RegExp,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  output(): string {
    return this.log;
  }

  private append(text: string): void {
    if (this.countPattern) for (const line of text.split('\n')) if (this.countPattern.test(line)) this.matches++;
    this.log += text;
    if (this.log.length > LOG_CAP) this.log = this.log.slice(-LOG_CAP / 2);
    if (this.current.length < LOG_CAP) this.current += text;
  }

  /** Spawns the process and resolves once `ready()` says so (rejects if it exits first). */
  async start(): Promise<void> {
    if (this.running) throw new Error(`${this.name} is already running`);
    const child = spawn(process.execPath, ['--import', 'tsx', this.script], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.current = '';
    this.paused = false;
    this.starts++;
    child.stdout?.on('data', (d: Buffer) => this.append(d.toString()));
    child.stderr?.on('data', (d: Buffer) => this.append(d.toString()));
    const deadline = Date.now() + this.readyTimeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${this.name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${this.log.slice(-4000)}`);
      }
      if (await this.ready(this.current).catch(() => false)) return;
      await sleep(100);
    }
    throw new Error(`${this.name} was not ready within ${this.readyTimeoutMs} ms:\n${this.log.slice(-4000)}`);
  }

  private exited(): Promise<void> {
    const child = this.child;
    return new Promise((resolve) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
    });
  }

  /** kill -9, no cleanup. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    this.paused = false;
    await this.exited();
  }

  pause(): void {
    if (!this.running) throw new Error(`${this.name} is not running`);
    this.child!.kill('SIGSTOP');
    this.paused = true;
  }

  resume(): void {
    if (this.child && this.paused) this.child.kill('SIGCONT');
    this.paused = false;
  }

  /** SIGTERM (after SIGCONT if paused), SIGKILL if it does not leave within `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.resume();
    this.child!.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    await this.exited();
    clearTimeout(timer);
  }
}

export interface ClusterOptions {
  /** Extra environment for both processes. */
  env?: Record<string, string>;
  /** Projector log level; `info` lets the cluster count settlements done by the process manager. */
  projectorLogLevel?: string;
}

export interface Cluster extends RunningService {
  apiProcess: ManagedProcess;
  projector: ManagedProcess;
  /** Settlements of half-done transfers logged by the projector's process manager. */
  settledByProcessManager(): number;
}

/**
 * Starts the API and a separate projector process against a fresh database.
 * `kill()`/`restart()` act on the API (as in `RunningService`); the projector
 * has its own handle. `stop()` ends both and drops the database.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const db = await freshDatabase('faults');
  const mail = await new SmtpSink().start();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: db.url,
    EVENTSTORE_URL: '',
    EMAIL_HOST: '127.0.0.1',
    EMAIL_PORT: String(mail.port),
    JWT_SECRET: 'faults-secret-faults-secret-faults-0123456789',
    ACCESS_TOKEN_TTL_SECONDS: '86400',
    PROJECTOR_IN_PROCESS: 'false',
    ...options.env,
  };
  const apiProcess = new ManagedProcess('api', 'src/main.ts', env, async () => (await fetch(`${baseUrl}/health`)).ok);
  const projector = new ManagedProcess(
    'projector',
    'src/projections/main.ts',
    { ...env, LOG_LEVEL: options.projectorLogLevel ?? 'info' },
    async (output) => output.includes('projector running'),
    60_000,
    /settled a transfer left half-done/,
  );

  // The API migrates and creates the system accounts; the projector follows.
  await apiProcess.start();
  await projector.start();

  return {
    api: new ApiClient(baseUrl),
    baseUrl,
    databaseUrl: db.url,
    mail,
    apiProcess,
    projector,
    settledByProcessManager: () => projector.matches,
    output: () => `--- api ---\n${apiProcess.output().slice(-8000)}\n--- projector ---\n${projector.output().slice(-8000)}`,
    kill: () => apiProcess.kill(),
    restart: () => apiProcess.start(),
    async stop() {
      await apiProcess.stop();
      await projector.stop();
      await mail.stop();
      await db.drop();
    },
  };
}

/** The local PostgreSQL cluster serving ADMIN_URL (version/name from /etc/postgresql). */
export function localPostgresCluster(): { version: string; name: string } {
  const versions = readdirSync('/etc/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const names = readdirSync(`/etc/postgresql/${version}`);
    if (names.includes('main')) return { version, name: 'main' };
    if (names[0]) return { version, name: names[0] };
  }
  throw new Error('no PostgreSQL cluster under /etc/postgresql');
}

async function postgresAnswers(): Promise<boolean> {
  const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 1000 });
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

/**
 * Stops PostgreSQL in immediate mode (no checkpoint, like a crash), waits
 * `downMs`, starts it and waits until it answers. Always tries to start it
 * again, even when the stop failed. Returns the milliseconds it was unreachable.
 */
export async function restartPostgres(downMs = 1000): Promise<{ downMs: number }> {
  const { version, name } = localPostgresCluster();
  const ctl = (action: string, ...extra: string[]) =>
    run('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, action, ...extra], { timeout: 60_000 });
  const t0 = Date.now();
  try {
    await ctl('stop', '-m', 'immediate');
    await sleep(downMs);
  } finally {
    for (let attempt = 0; ; attempt++) {
      try {
        await ctl('start');
        break;
      } catch (error) {
        if (await postgresAnswers()) break;
        if (attempt >= 5) throw error;
        await sleep(500);
      }
    }
    const deadline = Date.now() + 60_000;
    while (!(await postgresAnswers())) {
      if (Date.now() > deadline) throw new Error('PostgreSQL did not come back within 60 s');
      await sleep(100);
    }
  }
  return { downMs: Date.now() - t0 };
}
