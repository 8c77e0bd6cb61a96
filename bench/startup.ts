/**
 * Time from spawning the service until its first 200 on GET /health, on the
 * embedded PGlite store (a data folder that does not exist yet, then the same
 * folder again) and on PostgreSQL (a new empty database, then again), beside a
 * bare `node -e` HTTP server measured in the same run as the baseline. Also
 * `npm start` on a fresh folder (npm, and the prestart build check, included).
 * Each figure is the median of BENCH_ROUNDS rounds (default 3); the CPU
 * column is the service process's own CPU time at its first 200, steadier than
 * wall time on a busy machine.
 *
 *   npm run bench:startup
 *
 * Env: BENCH_ROUNDS, BENCH_DATABASE_URL (admin URL; scratch databases are made and dropped).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, SERVICE_ENTRY } from '../tests/helpers/build.js';
import { freePort } from '../tests/helpers/service.js';
import { procCpuSeconds } from './lib/cpu.js';
import { freshBenchDatabase } from './lib/db.js';
import { positiveInt } from './lib/env.js';
import { median } from './lib/stats.js';
import { fmtInt, fmtRatio, printTable } from './lib/table.js';

const ROUNDS = positiveInt('BENCH_ROUNDS', 3);
const TIMEOUT_MS = 120_000;

interface Start {
  ms: number;
  cpuMs: number;
}

const BASELINE = `require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1')`;

/** Spawns `command`, polls /health every 10 ms until a 200, then stops the process (group) and waits for it. */
async function timeToFirst200(command: string[], env: Record<string, string>): Promise<Start> {
  const port = await freePort();
  const started = performance.now();
  const child: ChildProcess = spawn(command[0]!, command.slice(1), {
    detached: true,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), EVENTSTORE_URL: '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (d: Buffer) => (errors += d.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command.join(' ')} exited with ${child.exitCode}: ${errors}`);
      if (performance.now() - started > TIMEOUT_MS) throw new Error(`${command.join(' ')}: no 200 within ${TIMEOUT_MS} ms: ${errors}`);
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status === 200, () => false);
      if (ok) {
        const ms = performance.now() - started;
        // With npm in front, the service is npm's child: the CPU column is then npm's own (a lower bound).
        return { ms, cpuMs: (procCpuSeconds(child.pid!) ?? Number.NaN) * 1000 };
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
}

await ensureBuilt();
const service = [process.execPath, SERVICE_ENTRY];
const samples = new Map<string, Start[]>();
const record = (name: string, start: Start) => samples.set(name, [...(samples.get(name) ?? []), start]);

for (let round = 0; round < ROUNDS; round++) {
  record('baseline: node -e (bare HTTP server)', await timeToFirst200([process.execPath, '-e', BASELINE], {}));

  const folder = mkdtempSync(join(tmpdir(), 'nexus-bench-startup-'));
  try {
    const env = { DATABASE_URL: '', DATA_DIR: join(folder, 'data') };
    record('PGlite, fresh data folder', await timeToFirst200(service, env));
    record('PGlite, restart on that folder', await timeToFirst200(service, env));
    record('npm start, PGlite, fresh data folder', await timeToFirst200(['npm', 'start', '--silent'], { DATABASE_URL: '', DATA_DIR: join(folder, 'npm') }));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }

  const database = await freshBenchDatabase('bench_startup');
  try {
    record('PostgreSQL, empty database', await timeToFirst200(service, { DATABASE_URL: database.url }));
    record('PostgreSQL, restart', await timeToFirst200(service, { DATABASE_URL: database.url }));
  } finally {
    await database.drop();
  }
}

const base = median(samples.get('baseline: node -e (bare HTTP server)')!.map((s) => s.ms));
console.log(`time to the first 200 on GET /health, median of ${ROUNDS} rounds (${SERVICE_ENTRY}, Node ${process.version})`);
printTable(
  [{ header: 'start', align: 'left' }, { header: 'ms' }, { header: 'cpu ms' }, { header: '÷ baseline' }, { header: 'min–max ms' }],
  [...samples].map(([name, starts]) => {
    const ms = starts.map((s) => s.ms);
    return [
      name,
      fmtInt(median(ms)),
      name.startsWith('npm') ? '-' : fmtInt(median(starts.map((s) => s.cpuMs))),
      fmtRatio(median(ms) / base),
      `${fmtInt(Math.min(...ms))}–${fmtInt(Math.max(...ms))}`,
    ];
  }),
);
