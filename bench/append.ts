/**
 * Appends per second of the PostgreSQL event store adapter against a bare `pg`
 * INSERT of the same row, at several concurrencies, in the same run.
 *
 *   npm run bench                      # table
 *   npm run bench -- --json            # table, then the figures as JSON
 *
 * Env: BENCH_DATABASE_URL (admin URL; a scratch database is made and dropped),
 * BENCH_SECONDS (measured seconds per run, default 5; 1 s warm-up before),
 * BENCH_CONCURRENCY (default "1,8,32"), BENCH_ROUNDS (runs per side and
 * concurrency, default 1; the median round is reported),
 * BENCH_MODE ("stream-per-worker", default: each worker owns an account-like
 * stream and appends with the expected revision; or "new-stream": every append
 * opens a new stream with no_stream).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { contentDigest, GENESIS_HASH, linkHash } from '../src/eventstore/hash-chain.js';
import type { EventMetadata, ExpectedRevision, NewEvent } from '../src/eventstore/port.js';
import { openPostgresEventStore } from '../src/eventstore/postgres/postgres-event-store.js';
import { CpuMeter } from './lib/cpu.js';
import { BENCH_ADMIN_URL, freshBenchDatabase, serverInfo } from './lib/db.js';
import { runClosedLoop, type ClosedLoopResult, type Operation } from './lib/load.js';
import { fmtInt, fmtMs, fmtRatio, printTable } from './lib/table.js';
import { positiveInt } from './lib/env.js';

type Mode = 'stream-per-worker' | 'new-stream';
type Side = 'bare' | 'adapter';

const SECONDS = positiveInt('BENCH_SECONDS', 5);
const ROUNDS = positiveInt('BENCH_ROUNDS', 1);
const WARMUP_MS = 1000;
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,8,32').split(',').map((s) => {
  const n = Number(s.trim());
  if (!Number.isInteger(n) || n <= 0) throw new Error(`BENCH_CONCURRENCY must list positive whole numbers, got "${s}"`);
  return n;
});
const MODE = (process.env.BENCH_MODE ?? 'stream-per-worker') as Mode;
if (MODE !== 'stream-per-worker' && MODE !== 'new-stream') {
  throw new Error(`BENCH_MODE must be stream-per-worker or new-stream, got "${MODE}"`);
}
const JSON_OUT = process.argv.includes('--json');

/** Same shape as es.events (src/eventstore/sql/schema.ts) without tx_id and the function. */
const BARE_SCHEMA = `
create table bare_events (
  position    bigint generated always as identity primary key,
  event_id    uuid not null,
  stream_id   text not null,
  revision    bigint not null check (revision >= 0),
  type        text not null,
  data        jsonb not null,
  metadata    jsonb not null,
  prev_hash   text not null,
  hash        text not null,
  recorded_at timestamptz not null default clock_timestamp(),
  constraint bare_events_event_id_key unique (event_id),
  constraint bare_events_stream_revision_key unique (stream_id, revision)
)`;

const BARE_INSERT = `insert into bare_events (event_id, stream_id, revision, type, data, metadata, prev_hash, hash)
  values ($1, $2, $3, $4, $5, $6, $7, $8)`;

function newEvent(): NewEvent {
  const metadata: EventMetadata = {
    correlation_id: randomUUID(),
    causation_id: null,
    actor: { user_id: null, role: 'system', ip: null },
    schema_version: 1,
    occurred_at: new Date().toISOString(),
  };
  return { event_id: randomUUID(), type: 'FundsDeposited', data: { amount: '1000', currency: 'JOD' }, metadata };
}

/** A bare INSERT per operation: the app keeps its own revision and chain head, as a naive one would. */
function bareWorker(pool: pg.Pool, run: string, index: number): Operation {
  let seq = 0;
  let stream = `bare-${run}-${index}`;
  let revision = 0n;
  let prev = GENESIS_HASH;
  return async () => {
    if (MODE === 'new-stream') {
      stream = `bare-${run}-${index}-${seq++}`;
      revision = 0n;
      prev = GENESIS_HASH;
    }
    const e = newEvent();
    const hash = linkHash(prev, revision, contentDigest(stream, e));
    await pool.query(BARE_INSERT, [
      e.event_id, stream, revision.toString(), e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), prev, hash,
    ]);
    revision++;
    prev = hash;
  };
}

type Store = Awaited<ReturnType<typeof openPostgresEventStore>>;

function adapterWorker(store: Store, run: string, index: number): Operation {
  let seq = 0;
  let stream = `acct-${run}-${index}`;
  let expected: ExpectedRevision = 'no_stream';
  return async () => {
    if (MODE === 'new-stream') {
      stream = `acct-${run}-${index}-${seq++}`;
      expected = 'no_stream';
    }
    const result = await store.append(stream, [newEvent()], expected);
    expected = result.next_revision;
  };
}

interface SideResult extends ClosedLoopResult {
  /** CPU microseconds per counted append: this process and the PostgreSQL backends. */
  cpu: { nodeUsPerOp: number; pgUsPerOp: number; totalUsPerOp: number; pgMeasured: boolean };
}

async function measure(url: string, concurrency: number, makeWorker: (i: number) => Operation): Promise<SideResult> {
  const meter = await CpuMeter.open(url);
  try {
    const window = meter.window();
    const r = await runClosedLoop({
      workers: concurrency,
      durationMs: SECONDS * 1000,
      warmupMs: WARMUP_MS,
      makeWorker,
      onWindowStart: window.onWindowStart,
      onWindowEnd: window.onWindowEnd,
    });
    const delta = window.delta();
    const perOp = (seconds: number) => (r.ops > 0 ? (seconds * 1e6) / r.ops : Number.NaN);
    const nodeUs = perOp(delta?.nodeSeconds ?? Number.NaN);
    const pgUs = perOp(delta?.pgSeconds ?? Number.NaN);
    return {
      ...r,
      cpu: { nodeUsPerOp: nodeUs, pgUsPerOp: pgUs, totalUsPerOp: nodeUs + pgUs, pgMeasured: delta?.pgMeasured ?? false },
    };
  } finally {
    await meter.close();
  }
}

async function runSide(side: Side, url: string, concurrency: number): Promise<SideResult> {
  const run = randomUUID().slice(0, 8);
  if (side === 'bare') {
    const pool = new pg.Pool({ connectionString: url, max: concurrency });
    pool.on('error', () => undefined);
    try {
      return await measure(url, concurrency, (i) => bareWorker(pool, run, i));
    } finally {
      await pool.end();
    }
  }
  const store = await openPostgresEventStore(url, concurrency);
  try {
    return await measure(url, concurrency, (i) => adapterWorker(store, run, i));
  } finally {
    await store.close();
  }
}

interface Row {
  concurrency: number;
  order: Side[];
  bare: SideResult;
  adapter: SideResult;
  /** adapter ops/s divided by bare ops/s */
  ratio: number;
  rounds?: { bare: number[]; adapter: number[] };
}

/** The round whose ops/s is the median (the lower middle one for an even count). */
function medianRound(results: SideResult[]): SideResult {
  const sorted = [...results].sort((a, b) => a.opsPerSec - b.opsPerSec);
  return sorted[(sorted.length - 1) >> 1]!;
}

async function main(): Promise<void> {
  const db = await freshBenchDatabase('bench_append');
  const rows: Row[] = [];
  try {
    const info = await serverInfo(db.url);
    const setup = new pg.Client({ connectionString: db.url });
    await setup.connect();
    await setup.query(BARE_SCHEMA);
    await setup.end();

    console.log(
      `append bench: PostgreSQL ${info.version} (synchronous_commit=${info.synchronous_commit}, fsync=${info.fsync}), ` +
        `db ${db.name} on ${new URL(BENCH_ADMIN_URL).host}`,
    );
    console.log(
      `mode ${MODE}, ${SECONDS} s measured after ${WARMUP_MS / 1000} s warm-up, ${ROUNDS} round(s), ` +
        `pool size = concurrency, one event per append\n`,
    );

    for (const [k, concurrency] of CONCURRENCY.entries()) {
      const order: Side[] = k % 2 === 0 ? ['bare', 'adapter'] : ['adapter', 'bare'];
      const results: Record<Side, SideResult[]> = { bare: [], adapter: [] };
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate within the concurrency too, so neither side always runs on the warmer server.
        const roundOrder = round % 2 === 0 ? order : [...order].reverse();
        for (const side of roundOrder) {
          const r = await runSide(side, db.url, concurrency);
          results[side].push(r);
          process.stderr.write(
            `  c=${concurrency} round ${round + 1} ${side.padEnd(7)} ${fmtInt(r.opsPerSec).padStart(7)} ops/s  ` +
              `p50 ${fmtMs(r.latency.p50)} ms  p99 ${fmtMs(r.latency.p99)} ms  ` +
              `cpu ${fmtInt(r.cpu.totalUsPerOp)} us/op (node ${fmtInt(r.cpu.nodeUsPerOp)}, pg ${fmtInt(r.cpu.pgUsPerOp)})\n`,
          );
        }
        // Keep autovacuum/checkpoint debt from one side landing on the other's run.
        const c = new pg.Client({ connectionString: db.url });
        await c.connect();
        await c.query('checkpoint').catch(() => undefined);
        await c.end();
      }
      const bare = medianRound(results.bare);
      const adapter = medianRound(results.adapter);
      rows.push({
        concurrency, order, bare, adapter, ratio: adapter.opsPerSec / bare.opsPerSec,
        ...(ROUNDS > 1
          ? { rounds: { bare: results.bare.map((r) => r.opsPerSec), adapter: results.adapter.map((r) => r.opsPerSec) } }
          : {}),
      });
    }
  } finally {
    await db.drop();
  }

  console.log('');
  printTable(
    [
      { header: 'concurrency' },
      { header: 'first', align: 'left' },
      { header: 'bare ops/s' },
      { header: 'bare p50 ms' },
      { header: 'bare p99 ms' },
      { header: 'adapter ops/s' },
      { header: 'adapter p50 ms' },
      { header: 'adapter p99 ms' },
      { header: 'ratio' },
      { header: 'cpu us/op bare' },
      { header: 'cpu us/op adapter' },
    ],
    rows.map((r) => [
      String(r.concurrency),
      r.order[0]!,
      fmtInt(r.bare.opsPerSec),
      fmtMs(r.bare.latency.p50),
      fmtMs(r.bare.latency.p99),
      fmtInt(r.adapter.opsPerSec),
      fmtMs(r.adapter.latency.p50),
      fmtMs(r.adapter.latency.p99),
      fmtRatio(r.ratio),
      fmtInt(r.bare.cpu.totalUsPerOp),
      fmtInt(r.adapter.cpu.totalUsPerOp),
    ]),
  );
  console.log('(ops/s, p50/p99: median round; cpu us/op: this process + the PostgreSQL backends, per append)');
  // Issue 12's targets: ≥ 0.9 of bare pg with one appender, ≥ 1.0 with 8 or more (group commit).
  const target = (concurrency: number) => (concurrency === 1 ? 0.9 : 1.0);
  console.log('');
  for (const r of rows) {
    console.log(
      `c=${r.concurrency}: adapter ${fmtInt(r.adapter.opsPerSec)} ÷ bare ${fmtInt(r.bare.opsPerSec)} appends/s = ${fmtRatio(r.ratio)} ` +
        `(target ≥ ${target(r.concurrency).toFixed(2)}: ${r.ratio >= target(r.concurrency) ? 'met' : 'NOT met'})`,
    );
  }

  if (JSON_OUT) {
    const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;
    const side = (r: SideResult) => ({
      ops: r.ops, errors: r.errors, seconds: r.seconds, ops_per_sec: round(r.opsPerSec, 1),
      p50_ms: round(r.latency.p50), p90_ms: round(r.latency.p90), p99_ms: round(r.latency.p99),
      max_ms: round(r.latency.max), mean_ms: round(r.latency.mean),
      cpu_us_per_op: {
        node: round(r.cpu.nodeUsPerOp, 1), postgres: r.cpu.pgMeasured ? round(r.cpu.pgUsPerOp, 1) : null,
        total: r.cpu.pgMeasured ? round(r.cpu.totalUsPerOp, 1) : null,
      },
    });
    console.log(
      JSON.stringify(
        {
          bench: 'append', mode: MODE, seconds: SECONDS, warmup_seconds: WARMUP_MS / 1000, rounds: ROUNDS,
          results: rows.map((r) => ({
            concurrency: r.concurrency, first: r.order[0], bare: side(r.bare), adapter: side(r.adapter),
            ratio: round(r.ratio), ...(r.rounds ? { rounds_ops_per_sec: r.rounds } : {}),
          })),
        },
        null,
        2,
      ),
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
