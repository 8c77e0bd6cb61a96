/**
 * Scale-out on one machine: 1, 2 and 4 API processes (compiled build,
 * PROJECTOR_IN_PROCESS=false) on one PostgreSQL database, the projector in its
 * own process, behind the round-robin proxy of the horizontal test
 * (tests/helpers/round-robin-proxy.ts; a proxy in front of the single process
 * too, so every run pays the same hop). Internal transfers at a fixed number
 * of keep-alive connections; prints transfers/s, latency and CPU per transfer
 * for each, the ratio to 1 process, and then what an event costs on disk
 * (measured from the last run's es.events) with the capacity model of the
 * README's "Scaling out".
 *
 *   npm run bench:scale-out [-- --json]
 *
 * Env: BENCH_SECONDS (measured seconds per run, default 10; 2 s warm-up),
 * BENCH_CONNECTIONS (default 32), BENCH_APIS (default "1,2,4"),
 * BENCH_POOL_SIZE (DATABASE_POOL_SIZE of every process, default 16: 5 processes
 * on a server of max_connections 100), BENCH_ROUTING ("round-robin", default, or
 * "user": each user's requests stay on the process the first went to, by their
 * Authorization header, as a balancer's session affinity would; with it, set
 * APPEND_BATCHES_IN_FLIGHT=1 in the environment for the API processes). Each run has a PostgreSQL server of its
 * own (tests/helpers/private-postgres.ts) and a fresh database.
 * Target: N processes >= 0.9x the transfers/s of 1 (on a 2-core machine, more
 * processes cannot add CPU: adding them must not cost throughput).
 */
import { availableParallelism, loadavg } from 'node:os';
import pg from 'pg';
import { startCluster, type Cluster } from '../tests/helpers/processes.js';
import { CpuMeter } from './lib/cpu.js';
import { capacityModel, eventFootprint, fmtBytes, type EventFootprint } from './lib/event-footprint.js';
import { positiveInt } from './lib/env.js';
import { runClosedLoop, type ClosedLoopResult } from './lib/load.js';
import { fmtInt, fmtMs, fmtRatio, printTable } from './lib/table.js';
import { Client, setUp, transferOp } from './lib/transfer-pairs.js';

const SECONDS = positiveInt('BENCH_SECONDS', 10);
const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 32);
const POOL_SIZE = positiveInt('BENCH_POOL_SIZE', 16);
const APIS = (process.env.BENCH_APIS ?? '1,2,4').split(',').map((n) => Number(n.trim()));
const JSON_OUT = process.argv.includes('--json');
/** BENCH_ROUTING=user: the proxy keeps each Authorization header (each bench user) on one process, not round robin. */
const ROUTING = process.env.BENCH_ROUTING ?? 'round-robin';
if (ROUTING !== 'round-robin' && ROUTING !== 'user') throw new Error(`BENCH_ROUTING must be round-robin or user, got "${ROUTING}"`);
const ROUTED = ROUTING === 'user' ? 'a proxy keeping each user on one process (sticky by Authorization header, given round robin)' : 'a round-robin proxy';
const TARGET = 0.9;
const CAPACITY_RATES = [1_000, 10_000, 100_000];

const progress = (m: string) => process.stderr.write(`[bench] ${m}\n`);

interface Run {
  apis: number;
  result: ClosedLoopResult;
  perProcess: number[];
  cpuMs: { service: number; postgres: number; benchAndProxy: number };
  eventsPerTransfer: number;
  footprint?: EventFootprint;
}

async function head(url: string): Promise<bigint> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ head: string | null }>('select max(position)::text as head from es.events');
    return BigInt(rows[0]?.head ?? '0');
  } finally {
    await c.end();
  }
}

async function runWith(apis: number, last: boolean): Promise<Run> {
  progress(`${apis} API process(es) + projector, DATABASE_POOL_SIZE=${POOL_SIZE}: starting`);
  const cluster: Cluster = await startCluster({ apis, proxy: true, affinity: ROUTING === 'user' ? 'authorization' : undefined, env: { DATABASE_POOL_SIZE: String(POOL_SIZE), LOG_LEVEL: 'error' } });
  const client = new Client(cluster.baseUrl, CONNECTIONS * 2);
  try {
    const pairs = await setUp(cluster, CONNECTIONS);
    const before = await head(cluster.databaseUrl);
    const proxy = cluster.proxy!;
    const countsBefore = [...proxy.counts];
    const meter = await CpuMeter.open(cluster.databaseUrl);
    const apiPids = () => cluster.apiProcesses.map((p) => p.pid).filter((pid): pid is number => pid !== undefined);
    const window = meter.window(apiPids);
    let done = 0;
    progress(`${apis} API process(es): ${CONNECTIONS} connections, ${SECONDS} s`);
    const result = await runClosedLoop({
      workers: CONNECTIONS,
      durationMs: SECONDS * 1000,
      warmupMs: 2000,
      makeWorker: (i) => {
        const op = transferOp(client, pairs[i]!);
        return async () => {
          await op();
          done++;
        };
      },
      onWindowStart: window.onWindowStart,
      onWindowEnd: window.onWindowEnd,
    });
    await meter.close();
    const perProcess = proxy.counts.map((n, i) => n - countsBefore[i]!);
    // Whatever the settlement process appends after the load belongs to these transfers too.
    await new Promise((r) => setTimeout(r, 2000));
    const appended = Number((await head(cluster.databaseUrl)) - before);
    const cpu = window.delta();
    const perTransfer = (s: number | undefined) => (s !== undefined && result.ops > 0 ? (s * 1000) / result.ops : NaN);
    const run: Run = {
      apis,
      result,
      perProcess,
      cpuMs: { service: perTransfer(cpu?.processSeconds), postgres: cpu?.pgMeasured ? perTransfer(cpu.pgSeconds) : NaN, benchAndProxy: perTransfer(cpu?.nodeSeconds) },
      eventsPerTransfer: done > 0 ? appended / done : NaN,
    };
    if (last) run.footprint = await eventFootprint(cluster.databaseUrl);
    progress(`${apis} API process(es): ${fmtInt(result.opsPerSec)} transfers/s`);
    return run;
  } finally {
    client.close();
    await cluster.stop();
  }
}

async function main(): Promise<void> {
  const cores = availableParallelism();
  const load = loadavg()[0]!;
  const runs: Run[] = [];
  for (const [i, n] of APIS.entries()) runs.push(await runWith(n, i === APIS.length - 1));
  const base = runs.find((r) => r.apis === 1) ?? runs[0]!;
  const footprint = runs[runs.length - 1]!.footprint!;
  const eventsPerTransfer = base.eventsPerTransfer;
  const capacity = capacityModel(CAPACITY_RATES, eventsPerTransfer, footprint.bytesPerEvent);
  if (JSON_OUT) {
    console.log(JSON.stringify({ cores, load_average: load, routing: ROUTING, connections: CONNECTIONS, pool_size: POOL_SIZE, runs: runs.map((r) => ({ apis: r.apis, transfers_per_s: r.result.opsPerSec, ratio: r.result.opsPerSec / base.result.opsPerSec, latency: r.result.latency, per_process: r.perProcess, cpu_ms_per_transfer: r.cpuMs, events_per_transfer: r.eventsPerTransfer })), footprint, capacity }));
    return;
  }
  console.log(`\nScale-out: internal transfers over HTTP at ${CONNECTIONS} connections through ${ROUTED}; one PostgreSQL; projector in its own process.`);
  console.log(`This machine has ${cores} core(s) (load average ${load.toFixed(1)} at the start, shared with other work): every API process, the projector, PostgreSQL, the proxy and this client share them, so more processes cannot add CPU here. The ratio shows what running N processes costs or gains on one box, not what N machines would give.\n`);
  printTable(
    [{ header: 'API processes' }, { header: 'transfers/s' }, { header: 'p50 ms' }, { header: 'p99 ms' }, { header: 'vs 1 process' }, { header: 'target' }, { header: 'requests per process' }, { header: 'CPU ms/transfer: APIs' }, { header: 'PostgreSQL' }, { header: 'bench+proxy' }],
    runs.map((r) => {
      const ratio = r.result.opsPerSec / base.result.opsPerSec;
      return [String(r.apis), fmtInt(r.result.opsPerSec), fmtMs(r.result.latency.p50, 1), fmtMs(r.result.latency.p99, 1), fmtRatio(ratio), r === base ? '-' : `>= ${TARGET} ${ratio >= TARGET ? 'met' : 'NOT met'}`, r.perProcess.join('/'), fmtMs(r.cpuMs.service), fmtMs(r.cpuMs.postgres), fmtMs(r.cpuMs.benchAndProxy)];
    }),
  );
  const f = footprint;
  console.log(`\nes.events after the ${runs[runs.length - 1]!.apis}-process run: ${fmtInt(f.events)} events; heap ${fmtBytes(f.heapBytes)}, TOAST ${fmtBytes(f.toastBytes)}, indexes ${fmtBytes(f.indexBytes)}`);
  console.log(`bytes per event on disk (heap + TOAST + indexes): ${fmtInt(f.bytesPerEvent)}; average row ${fmtInt(f.avgRowBytes)} (data ${fmtInt(f.avgDataBytes)}, metadata ${fmtInt(f.avgMetadataBytes)})`);
  console.log(`events per internal transfer (appended during the 1-process run ÷ transfers): ${eventsPerTransfer.toFixed(2)}; by type: ${f.types.slice(0, 8).map((t) => `${t.type} ${fmtInt(t.events)} (${fmtInt(t.avgRowBytes)} B)`).join(', ')}`);
  console.log('\nCapacity model (internal transfers only; events and storage of es.events, before replication and backups):');
  printTable(
    [{ header: 'transfers/s' }, { header: 'events/day' }, { header: 'storage/day' }, { header: 'storage/year' }],
    capacity.map((c) => [fmtInt(c.transfersPerSecond), fmtInt(c.eventsPerDay), fmtBytes(c.bytesPerDay), fmtBytes(c.bytesPerYear)]),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
