/**
 * Internal transfers per second through the real HTTP service (its own
 * process, PostgreSQL event store) at 32 keep-alive connections, beside a
 * pgbench-style bare `pg` workload (per transaction: 1 UPDATE + 2 INSERTs) at
 * 32 clients, in the same run; then, once the read models have caught up on
 * that run's backlog, an open-loop run at half the measured transfer rate for
 * p50/p99 latency (1 s at that rate unmeasured, then measured from each
 * request's scheduled start, so a stall is not hidden), and the bare
 * transaction open loop at the same rate (the floor this machine allows).
 *
 *   npx tsx bench/transfers.ts [--json]
 *
 * BENCH_TOPOLOGY=split runs the projectors in their own process, as docker-compose does.
 *
 * Env: BENCH_SECONDS (measured seconds per closed-loop run, default 10; 2 s
 * warm-up), BENCH_OPEN_SECONDS (open-loop run, default 10), BENCH_CONNECTIONS
 * (default 32), TEST_DATABASE_URL / BENCH_DATABASE_URL (admin URL).
 * BENCH_IDEMPOTENCY_KEYS=1 sends a fresh Idempotency-Key with every transfer.
 * Diagnostics: BENCH_TRACE=1 prints when the slowest 1% of the half-load requests
 * were due; BENCH_SERVICE_LOG=<file> keeps the service's output (GC traces with
 * SERVICE_NODE_ARGS=--trace-gc); BENCH_SERVICE_ENV='{"K":"V"}' sets service env.
 * Also counts commits per transfer in the closed loop (bench/lib/commits.ts):
 * the event store's (distinct transaction ids of the events appended) and
 * every transaction of the database (pg_stat_database, approximate).
 * Targets (issue 12): transfers/s ≥ 0.6 × bare tx/s; p99 < 25 ms at half load;
 * service CPU ≤ 0.4 ms per transfer (before: ≥ 0.25 ×, < 50 ms, also printed).
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { startCluster, type Cluster } from '../tests/helpers/processes.js';
import { startService, writtenHead, type RunningService } from '../tests/helpers/service.js';
import { CommitCounter } from './lib/commits.js';
import { CpuMeter } from './lib/cpu.js';
import { freshBenchDatabase, serverInfo } from './lib/db.js';
import { runClosedLoop, type Operation } from './lib/load.js';
import { SampleBuffer, summarize } from './lib/stats.js';
import { fmtInt, fmtMs, fmtRatio, printTable } from './lib/table.js';
import { positiveInt } from './lib/env.js';
import { Client, setUp, transferOp } from './lib/transfer-pairs.js';

const SECONDS = positiveInt('BENCH_SECONDS', 10);
const OPEN_SECONDS = positiveInt('BENCH_OPEN_SECONDS', 10);
const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 32);
const WARMUP_MS = 2000;
const JSON_OUT = process.argv.includes('--json');

const BARE_SCHEMA = `
  create table pgb_accounts (aid int primary key, bid int not null, abalance bigint not null, filler char(84));
  create table pgb_history (tid int, bid int, aid int, delta bigint, mtime timestamptz, filler char(22));
  create table pgb_ledger (aid int, delta bigint, balance_after bigint, mtime timestamptz);
  insert into pgb_accounts select g, 1, 0, '' from generate_series(1, 100000) g;`;

/** pgbench-style: one short transaction per operation, 1 UPDATE + 2 INSERTs, one connection per worker. */
async function bareWorker(pool: pg.Pool, held: pg.PoolClient[]): Promise<Operation> {
  const client = await pool.connect();
  held.push(client);
  return () => bareTransaction(client);
}

/** The bare transaction on a connection of the pool (for the open loop, where requests do not map to workers). */
async function barePooled(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await bareTransaction(client);
  } finally {
    client.release();
  }
}

async function bareTransaction(client: pg.PoolClient): Promise<void> {
  const aid = 1 + Math.floor(Math.random() * 100_000);
  const delta = Math.floor(Math.random() * 10_000) - 5_000;
  await client.query('begin');
  try {
    const r = await client.query<{ abalance: string }>('update pgb_accounts set abalance = abalance + $1 where aid = $2 returning abalance', [delta, aid]);
    await client.query('insert into pgb_history (tid, bid, aid, delta, mtime) values ($1, 1, $2, $3, now())', [aid % 10, aid, delta]);
    await client.query('insert into pgb_ledger (aid, delta, balance_after, mtime) values ($1, $2, $3, now())', [aid, delta, r.rows[0]!.abalance]);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}

/**
 * Requests started at a fixed rate regardless of completions; latency from each
 * scheduled start. The first `warmupSeconds` run at the same rate unmeasured.
 */
const progress = (m: string) => process.stderr.write(`[bench] ${m}\n`);
const TRACE = process.env.BENCH_TRACE === '1';

async function openLoop(
  ratePerSec: number,
  seconds: number,
  warmupSeconds: number,
  op: (i: number) => Promise<void>,
): Promise<{ sent: number; all: number; errors: number; samples: SampleBuffer }> {
  const samples = new SampleBuffer();
  const trace: [number, number][] = [];
  const measuredFrom = Math.floor(ratePerSec * warmupSeconds);
  const total = measuredFrom + Math.floor(ratePerSec * seconds);
  const interval = 1000 / ratePerSec;
  const start = performance.now();
  let errors = 0;
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(op(i).then(
      () => {
        if (i >= measuredFrom) {
          const latency = performance.now() - due;
          samples.push(latency);
          if (TRACE) trace.push([Math.round(due - start), Math.round(latency)]);
        }
      },
      () => {
        errors++;
      },
    ));
  }
  await Promise.all(inflight);
  if (TRACE) {
    // BENCH_TRACE=1: when the slowest requests of the open loop were due (clustered = a stall).
    const slow = trace.sort((a, b) => b[1] - a[1]).slice(0, Math.max(1, Math.ceil(trace.length / 100)));
    progress(`slowest 1% at half load (due ms → latency ms): ${slow.sort((a, b) => a[0] - b[0]).map(([t, l]) => `${t}→${l}`).join(' ')}`);
  }
  return { sent: total - measuredFrom, all: total, errors, samples };
}

/** Waits until the read models have applied every event written so far. */
async function caughtUp(svc: RunningService, token: string): Promise<void> {
  const head = await writtenHead(svc);
  for (let attempt = 0; attempt < 12; attempt++) {
    const res = await svc.api.get(`/accounts/?min_position=${head}`, { token });
    if (res.status === 200) return;
  }
  throw new Error(`read models did not reach position ${head}`);
}


async function main(): Promise<void> {
  const extraEnv = process.env.BENCH_SERVICE_ENV ? (JSON.parse(process.env.BENCH_SERVICE_ENV) as Record<string, string>) : {};
  // BENCH_TOPOLOGY=split: the API and a separate projector process (as docker-compose runs them);
  // default: one process with the projectors inside.
  const split = process.env.BENCH_TOPOLOGY === 'split';
  progress(`starting the service (${split ? 'API + separate projector process' : 'projectors in the API process'})`);
  const svc = split ? await startCluster({ env: { LOG_LEVEL: 'error', ...extraEnv }, sharedPostgres: true }) : await startService({ LOG_LEVEL: 'error', ...extraEnv });
  const bare = await freshBenchDatabase('transfers_bare');
  const client = new Client(svc.baseUrl, CONNECTIONS * 2);
  try {
    const info = await serverInfo(svc.databaseUrl);
    const pairs = await setUp(svc, CONNECTIONS);
    progress(`set up ${pairs.length} account pairs`);

    const pool = new pg.Pool({ connectionString: bare.url, max: CONNECTIONS });
    await pool.query(BARE_SCHEMA);
    const held: pg.PoolClient[] = [];
    const bareResult = await runClosedLoop({ workers: CONNECTIONS, durationMs: SECONDS * 1000, warmupMs: WARMUP_MS, makeWorker: () => bareWorker(pool, held) });
    for (const c of held) c.release();
    progress(`bare: ${fmtInt(bareResult.opsPerSec)} tx/s`);

    // CPU per transfer (service processes and their PostgreSQL backends) is steadier than the rate.
    const meter = await CpuMeter.open(svc.databaseUrl);
    const window = meter.window(() => svc.pids());
    const counter = await CommitCounter.open(svc.databaseUrl);
    const commitWindow = counter.window();
    const http32 = await runClosedLoop({
      workers: CONNECTIONS,
      durationMs: SECONDS * 1000,
      warmupMs: WARMUP_MS,
      makeWorker: (i) => transferOp(client, pairs[i]!),
      onWindowStart: () => Promise.all([window.onWindowStart(), commitWindow.onWindowStart()]),
      onWindowEnd: () => Promise.all([window.onWindowEnd(), commitWindow.onWindowEnd()]),
    });
    const cpu = window.delta();
    const commits = await commitWindow.delta();
    await counter.close();
    const perTransferMs = (seconds: number | undefined) => (seconds === undefined || http32.ops === 0 ? Number.NaN : (seconds * 1000) / http32.ops);

    progress(`http: ${fmtInt(http32.opsPerSec)} transfers/s`);
    const halfRate = Math.max(1, http32.opsPerSec / 2);
    const ops = pairs.map((p) => transferOp(client, p));
    // Steady state at half load: the read models catch up on the closed loop's backlog first.
    await caughtUp(svc, pairs[0]!.token);
    const openFrom = await meter.snapshot(svc.pids());
    const open = await openLoop(halfRate, OPEN_SECONDS, 1, (i) => ops[i % ops.length]!());
    const openCpu = CpuMeter.delta(openFrom, await meter.snapshot(svc.pids()));
    await meter.close();
    const openLatency = summarize(open.samples.values());
    // The floor on this machine: the bare transaction's own latency, open loop at the same rate.
    const bareOpen = await openLoop(halfRate, OPEN_SECONDS, 1, () => barePooled(pool));
    await pool.end();
    const bareOpenLatency = summarize(bareOpen.samples.values());
    // Below saturation CPU per transfer is not inflated by contention: the figure to compare variants by.
    const perOpenMs = (seconds: number) => (open.all === 0 ? Number.NaN : (seconds * 1000) / open.all);

    const ratio = http32.opsPerSec / bareResult.opsPerSec;
    console.log(`PostgreSQL ${info.version} (synchronous_commit=${info.synchronous_commit}, fsync=${info.fsync}); ${CONNECTIONS} connections; ${SECONDS} s per closed-loop run`);
    printTable(
      [{ header: 'workload', align: 'left' }, { header: 'ops/s' }, { header: 'p50 ms' }, { header: 'p99 ms' }, { header: 'errors' }],
      [
        ['bare pg tx (1 UPDATE + 2 INSERT), closed loop', fmtInt(bareResult.opsPerSec), fmtMs(bareResult.latency.p50), fmtMs(bareResult.latency.p99), String(bareResult.errors)],
        ['POST /transfers/internal, closed loop', fmtInt(http32.opsPerSec), fmtMs(http32.latency.p50), fmtMs(http32.latency.p99), String(http32.errors)],
        [`POST /transfers/internal, open loop at ${fmtInt(halfRate)}/s`, fmtInt(open.samples.length / OPEN_SECONDS), fmtMs(openLatency.p50), fmtMs(openLatency.p99), String(open.errors)],
        [`bare pg tx, open loop at ${fmtInt(halfRate)}/s`, fmtInt(bareOpen.samples.length / OPEN_SECONDS), fmtMs(bareOpenLatency.p50), fmtMs(bareOpenLatency.p99), String(bareOpen.errors)],
      ],
    );
    console.log(`\nCPU per transfer, closed loop: service ${fmtMs(perTransferMs(cpu?.processSeconds))} ms, PostgreSQL ${cpu?.pgMeasured ? fmtMs(perTransferMs(cpu.pgSeconds)) : 'n/a'} ms, bench client ${fmtMs(perTransferMs(cpu?.nodeSeconds))} ms`);
    if (split && cpu) {
      // The API process alone: what a transfer costs where the projectors run elsewhere.
      const api = (svc as Cluster).apiProcesses[0]!.pid;
      const apiSeconds = api === undefined ? undefined : cpu.byProcess.get(api);
      console.log(`  of which the API process ${fmtMs(perTransferMs(apiSeconds))} ms and the projector process ${fmtMs(perTransferMs(apiSeconds === undefined ? undefined : cpu.processSeconds - apiSeconds))} ms`);
    }
    console.log(`CPU per transfer, half load:   service ${fmtMs(perOpenMs(openCpu.processSeconds))} ms, PostgreSQL ${openCpu.pgMeasured ? fmtMs(perOpenMs(openCpu.pgSeconds)) : 'n/a'} ms, bench client ${fmtMs(perOpenMs(openCpu.nodeSeconds))} ms`);
    const perTransfer = (n: number | undefined) => (n === undefined || http32.ops === 0 ? 'n/a' : (n / http32.ops).toFixed(2));
    console.log(
      `Commits per transfer, closed loop: event store ${perTransfer(commits?.eventStoreCommits)} (group commit shares one among several; ` +
        `${perTransfer(commits?.events)} events), all transactions of the database (read-only ones included) ≈ ${perTransfer(commits?.transactions)} (pg_stat_database, read models included)`,
    );
    console.log(`service CPU per transfer, closed loop = ${fmtMs(perTransferMs(cpu?.processSeconds))} ms (target ≤ 0.4 ms: ${perTransferMs(cpu?.processSeconds) <= 0.4 ? 'met' : 'NOT met'})`);
    console.log(`transfers/s ÷ bare tx/s = ${fmtRatio(ratio)} (target ≥ 0.6: ${ratio >= 0.6 ? 'met' : 'NOT met'}; before issue 12: ≥ 0.25 ${ratio >= 0.25 ? 'met' : 'NOT met'})`);
    console.log(`p99 at half load = ${fmtMs(openLatency.p99)} ms (target < 25 ms: ${openLatency.p99 < 25 ? 'met' : 'NOT met'}; before issue 12: < 50 ms ${openLatency.p99 < 50 ? 'met' : 'NOT met'}); the bare transaction's own p99 at that rate: ${fmtMs(bareOpenLatency.p99)} ms`);
    if (JSON_OUT) {
      console.log(JSON.stringify({ commits_per_transfer: commits ? { event_store: commits.eventStoreCommits / http32.ops, events: commits.events / http32.ops, all_transactions: commits.transactions / http32.ops } : null, bare_tps: bareResult.opsPerSec, transfers_per_s: http32.opsPerSec, ratio, half_rate: halfRate, open_loop: openLatency, bare_open_loop: bareOpenLatency, closed_loop: http32.latency, errors: open.errors, cpu_ms_per_transfer: { service: perTransferMs(cpu?.processSeconds), postgres: perTransferMs(cpu?.pgSeconds), client: perTransferMs(cpu?.nodeSeconds) }, cpu_ms_per_transfer_half_load: { service: perOpenMs(openCpu.processSeconds), postgres: perOpenMs(openCpu.pgSeconds), client: perOpenMs(openCpu.nodeSeconds) } }));
    }
  } finally {
    client.close();
    // BENCH_SERVICE_LOG=<file>: the service's own output (with SERVICE_NODE_ARGS=--trace-gc, its GC pauses).
    if (process.env.BENCH_SERVICE_LOG) writeFileSync(process.env.BENCH_SERVICE_LOG, svc.output());
    await svc.stop();
    await bare.drop();
  }
}

await main();
process.exit(0);
