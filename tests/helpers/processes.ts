/**
 * The service as separate real processes for fault tests: the API
 * (compiled `src/main.ts`, PROJECTOR_IN_PROCESS=false) and the standalone projector
 * (compiled `src/projections/main.ts`, which also runs the settlement and risk
 * processes), both on a fresh PostgreSQL database, each of which can be
 * SIGKILLed, SIGSTOPped/SIGCONTed and restarted; plus a PostgreSQL restart in
 * immediate mode, on a PostgreSQL server of the cluster's own (so restarting it
 * disturbs no other suite). A `Cluster` is a `RunningService`, so the user helpers work on it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { ensureBuilt, PROJECTOR_ENTRY, SERVICE_ENTRY } from './build.js';
import { ApiClient } from './http-client.js';
import { freshDatabase } from './postgres.js';
import { sharedPostgresServer, startPostgresServer, type PostgresServer } from './private-postgres.js';
import { E2E_KEYS, freePort, type RunningService } from './service.js';
import { SmtpSink } from './smtp-sink.js';
import { startRoundRobinProxy, type ProxyOptions, type RoundRobinProxy } from './round-robin-proxy.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const LOG_CAP = 256 * 1024;

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
  /** Exits the harness did not cause (a crash of the process itself), with the output just before. */
  readonly unexpectedExits: string[] = [];
  private expectingExit = false;
  /** Restart the process when it exits by itself, as a supervisor (systemd, Kubernetes) would. */
  supervise = false;
  private restarting: Promise<void> | undefined;

  constructor(
    readonly name: string,
    private readonly script: string,
    private readonly env: NodeJS.ProcessEnv,
    /** Called with the output of the current incarnation until it says the process is ready. */
    private readonly ready: (output: string) => Promise<boolean>,
    private readonly readyTimeoutMs = 60_000,
    private readonly countPattern?: RegExp,
    /** Every line of output is also appended here when set. */
    readonly logFile?: string,
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
    if (this.logFile) appendFileSync(this.logFile, text);
    this.log += text;
    if (this.log.length > LOG_CAP) this.log = this.log.slice(-LOG_CAP / 2);
    if (this.current.length < LOG_CAP) this.current += text;
  }

  /** Spawns the process (with `extraEnv` over its environment) and resolves once `ready()` says so (rejects if it exits first). */
  async start(extraEnv: NodeJS.ProcessEnv = {}): Promise<void> {
    if (this.running) throw new Error(`${this.name} is already running`);
    const child = spawn(process.execPath, [this.script], { env: { ...this.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.expectingExit = false;
    child.once('exit', (code, signal) => {
      if (this.expectingExit || this.starting) return;
      this.unexpectedExits.push(`${this.name} exited by itself (${code ?? signal}):\n${this.current.slice(-3000)}`);
      if (this.supervise) this.restarting = this.superviseRestart().finally(() => (this.restarting = undefined));
    });
    this.current = '';
    this.paused = false;
    this.starts++;
    child.stdout?.on('data', (d: Buffer) => this.append(d.toString()));
    child.stderr?.on('data', (d: Buffer) => this.append(d.toString()));
    const deadline = Date.now() + this.readyTimeoutMs;
    this.starting = true;
    try {
      await this.waitReady(child, deadline);
    } finally {
      this.starting = false;
    }
    // It may have died between the last check and now.
    if (!this.running) throw new Error(`${this.name} exited right after it was ready:\n${this.current.slice(-4000)}`);
  }

  private starting = false;

  private async waitReady(child: ChildProcess, deadline: number): Promise<void> {
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

  /** Starts the process again, every 500 ms for up to a minute, until it comes up (a start while PostgreSQL is down fails). */
  private async superviseRestart(): Promise<void> {
    const deadline = Date.now() + 60_000;
    let failures = 0;
    while (!this.running && !this.expectingExit) {
      await sleep(500);
      try {
        await this.start();
      } catch (e) {
        failures++;
        if (Date.now() > deadline) {
          this.unexpectedExits.push(`${this.name}: the supervisor gave up after ${failures} failed starts: ${String(e).slice(0, 500)}`);
          return;
        }
      }
    }
    if (failures > 0) this.failedStarts += failures;
  }

  /** Starts by the supervisor that failed (the process exited before it was ready). */
  failedStarts = 0;

  /** kill -9, no cleanup. */
  async kill(): Promise<void> {
    await this.restarting;
    this.expectingExit = true;
    this.child?.kill('SIGKILL');
    this.paused = false;
    await this.exited();
  }

  async pause(): Promise<void> {
    await this.restarting;
    if (!this.running) throw new Error(`${this.name} is not running: ${this.unexpectedExits.join('\n') || 'never started'}`);
    this.child!.kill('SIGSTOP');
    this.paused = true;
  }

  resume(): void {
    if (this.child && this.paused) this.child.kill('SIGCONT');
    this.paused = false;
  }

  /** SIGTERM (after SIGCONT if paused), SIGKILL if it does not leave within `graceMs`; resolves with how it ended. */
  async stop(graceMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    await this.restarting;
    this.expectingExit = true;
    if (!this.running) return { code: this.child?.exitCode ?? null, signal: this.child?.signalCode ?? null };
    this.resume();
    this.child!.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    await this.exited();
    clearTimeout(timer);
    return { code: this.child!.exitCode, signal: this.child!.signalCode };
  }
}

export interface ClusterOptions {
  /** Extra environment for both processes. */
  env?: Record<string, string>;
  /** Folder for api.log and projector.log (every line of output). */
  logDir?: string;
  /** Run on the shared server of ADMIN_URL instead of one of the cluster's own (benchmarks compare against it). */
  sharedPostgres?: boolean;
  /** API processes (default 1); with more, `baseUrl` is a round-robin proxy in front of them all. */
  apis?: number;
  /** A proxy in front of a single API process too (a bench compares 1 and N processes through the same hop). */
  proxy?: boolean;
  /** How the proxy picks a process: round robin (default), or by the request's Authorization header. */
  affinity?: ProxyOptions['affinity'];
}

export interface Cluster extends RunningService {
  /** The first API process (the one `kill()`/`restart()` act on). */
  apiProcess: ManagedProcess;
  /** Every API process, and the address of each (bypassing the proxy). */
  apiProcesses: ManagedProcess[];
  apiUrls: string[];
  /** The round-robin proxy when there is more than one API process. */
  proxy: RoundRobinProxy | undefined;
  projector: ManagedProcess;
  /** Settlements of half-done transfers logged by the projector's process manager. */
  settledByProcessManager(): number;
  /** The cluster's own PostgreSQL server (restart it for a database crash). */
  postgres: PostgresServer;
}

/**
 * Starts the API and a separate projector process against a fresh database.
 * `kill()`/`restart()` act on the API (as in `RunningService`); the projector
 * has its own handle. `stop()` ends both and drops the database.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  await ensureBuilt();
  const postgres = options.sharedPostgres ? sharedPostgresServer() : await startPostgresServer('faults');
  const db = await freshDatabase('faults', postgres.adminUrl);
  const mail = await new SmtpSink().start();
  const ports = await distinctFreePorts(options.apis ?? 1);
  const apiUrls = ports.map((port) => `http://127.0.0.1:${port}`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    EVENTSTORE_URL: '',
    EMAIL_HOST: '127.0.0.1',
    EMAIL_PORT: String(mail.port),
    // The keys the checks open stored personal fields with (never the repository's own data folder).
    ...E2E_KEYS,
    ACCESS_TOKEN_TTL_SECONDS: '86400',
    PROJECTOR_IN_PROCESS: 'false',
    // The workload tags each command's events with its X-Request-Id (their correlation id), which
    // the service believes only from a trusted proxy: the harness on loopback is that proxy.
    TRUST_PROXY: 'loopback',
    ...options.env,
  };
  const file = (name: string) => (options.logDir ? `${options.logDir}/${name}.log` : undefined);
  const apiProcesses = ports.map((port, i) => {
    const name = i === 0 ? 'api' : `api-${i + 1}`;
    return new ManagedProcess(name, SERVICE_ENTRY, { ...env, PORT: String(port) }, async () => (await fetch(`${apiUrls[i]}/health`)).ok, 120_000, undefined, file(name));
  });
  const apiProcess = apiProcesses[0]!;
  const projector = new ManagedProcess(
    'projector',
    PROJECTOR_ENTRY,
    { ...env, LOG_LEVEL: 'info' },
    async (output) => output.includes('projector running'),
    120_000,
    /settled a transfer left half-done/,
    file('projector'),
  );

  // The APIs migrate and create the system accounts (all at once, as an orchestrator starts
  // replicas: they queue on the migration lock); the projector follows.
  // A start that fails (not ready in time on a busy machine) leaves no process, database or server behind.
  try {
    await Promise.all(apiProcesses.map((p) => p.start()));
    await projector.start();
  } catch (error) {
    await Promise.allSettled([...apiProcesses, projector].map((p) => p.stop()));
    await mail.stop();
    await db.drop().catch(() => undefined);
    await postgres.destroy();
    throw error;
  }
  const proxy = apiProcesses.length > 1 || options.proxy ? await startRoundRobinProxy(apiUrls, { affinity: options.affinity }) : undefined;
  const baseUrl = proxy?.url ?? apiUrls[0]!;

  return {
    api: new ApiClient(baseUrl),
    baseUrl,
    databaseUrl: db.url,
    mail,
    env: { ...E2E_KEYS, ...options.env },
    apiProcess,
    apiProcesses,
    apiUrls,
    proxy,
    projector,
    settledByProcessManager: () => projector.matches,
    postgres,
    pids: () => [...apiProcesses, projector].map((p) => p.pid).filter((pid): pid is number => pid !== undefined),
    output: () => [...apiProcesses, projector].map((p) => `--- ${p.name} ---\n${p.output().slice(-8000)}`).join('\n'),
    kill: () => apiProcess.kill(),
    restart: () => apiProcess.start(),
    async stop() {
      await proxy?.stop();
      await Promise.all(apiProcesses.map((p) => p.stop()));
      await projector.stop();
      await mail.stop();
      await db.drop();
      await postgres.destroy();
    },
  };
}

/** `n` ports free on 127.0.0.1 right now, all different. */
async function distinctFreePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}
