/**
 * Start time and memory against history size: the service started on an empty
 * database, then on one whose bank JOD fee account stream holds BENCH_EVENTS
 * (default 1,000,000) events, and once more after its snapshots are dropped
 * (a store written before snapshots were taken on the write path: the first
 * load pages through the whole stream). Prints time to the first 200 on
 * GET /health and the service's peak RSS (VmHWM) beside the targets (< 3 s,
 * < 300 MiB) and the empty start measured in the same run.
 *
 * The history is written quickly in bulk INSERTs of events decided by the
 * account decider, with digests and hash chain computed as the store computes
 * them (GET /audit/verify passes), and the snapshot the write path leaves (at
 * the last multiple of its interval). The read models' and processes' checkpoints are then moved to the head (this bench
 * measures the command side's start; `bench:rebuild` measures projecting a
 * history).
 *
 *   npm run bench:history-size
 *
 * Env: BENCH_EVENTS, BENCH_SETTLE_MS (how long RSS is watched
 * after the first 200, default 2,000), BENCH_DATABASE_URL.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { accountAggregate, accountStream } from '../src/commands/accounts/account-aggregate.js';
import { bankFeesAccount } from '../src/commands/accounts/account-numbers.js';
import { DEFAULT_SNAPSHOT_EVERY } from '../src/commands/shared/aggregate-repository.js';
import { systemContext } from '../src/commands/shared/command-context.js';
import { toNewEvent } from '../src/commands/shared/new-event.js';
import { SnapshotStore } from '../src/commands/shared/snapshots.js';
import { accountDecider } from '../src/domain/accounts/decider.js';
import type { AccountEvent } from '../src/domain/accounts/events.js';
import { contentDigest, linkHash } from '../src/eventstore/hash-chain.js';
import { postgresDb } from '../src/infra/db.js';
import { ensureBuilt, SERVICE_ENTRY } from '../tests/helpers/build.js';
import { freePort } from '../tests/helpers/service.js';
import { freshBenchDatabase } from './lib/db.js';
import { positiveInt } from './lib/env.js';
import { fmtInt, fmtRatio, printTable } from './lib/table.js';

const EVENTS = positiveInt('BENCH_EVENTS', 1_000_000);
const BULK = 10_000;
const SETTLE_MS = positiveInt('BENCH_SETTLE_MS', 2_000);
const TIMEOUT_MS = 600_000;
const TARGET_MS = 3_000;
const TARGET_MIB = 300;

interface Start {
  ms: number;
  /** Peak RSS at the first 200, and after SETTLE_MS more. */
  peakMiB: number;
  settledPeakMiB: number;
}

const peakRssMiB = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
};

/** Spawns the service on `databaseUrl`, waits for its first 200 on /health, watches its peak RSS, stops it. */
async function start(databaseUrl: string): Promise<Start> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [SERVICE_ENTRY], {
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), EVENTSTORE_URL: '', DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (d: Buffer) => (errors += d.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}: ${errors}`);
      if (performance.now() - started > TIMEOUT_MS) throw new Error(`no 200 within ${TIMEOUT_MS} ms: ${errors}`);
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status === 200, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const ms = performance.now() - started;
    const peakMiB = peakRssMiB(child.pid!);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    return { ms, peakMiB, settledPeakMiB: peakRssMiB(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/**
 * Appends EVENTS fee credits (1 minor unit each, decided by the account decider) to the bank's
 * JOD fee account, in big INSERTs of rows whose digest and hash chain are computed here exactly
 * as the store computes them (so `verify` passes), then the snapshot the write path leaves (at
 * the last multiple of its interval).
 */
async function writeHistory(url: string): Promise<{ seconds: number; revision: bigint }> {
  const stream = accountStream(bankFeesAccount('JOD'));
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const db = postgresDb(url, 1);
  const t0 = performance.now();
  try {
    const events = (await c.query<{ type: string; data: AccountEvent['data']; revision: string; hash: string }>(
      `select type, data, revision::text as revision, hash from es.events where stream_id = $1 order by revision`, [stream],
    )).rows;
    let state = events.reduce((s, e) => accountDecider.evolve(s, { type: e.type, data: e.data } as AccountEvent), accountDecider.initialState);
    let revision = BigInt(events.at(-1)!.revision);
    let hash = events.at(-1)!.hash;
    let snapshot = { state, revision };
    const ctx = systemContext('bench');
    for (let done = 0; done < EVENTS; done += BULK) {
      const cols: string[][] = [[], [], [], [], [], [], [], [], []];
      for (let i = 0; i < Math.min(BULK, EVENTS - done); i++) {
        const command = { type: 'CreditAccount' as const, transfer_id: randomUUID(), kind: 'external' as const, amount: 1n, counterparty_account: '100000000008', fx: null };
        for (const e of accountDecider.decide(command, state, ctx)) {
          const event = toNewEvent(e, randomUUID(), ctx);
          const digest = contentDigest(stream, event);
          revision++;
          const next = linkHash(hash, revision, digest);
          [event.event_id, revision.toString(), event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), digest, hash, next]
            .forEach((v, k) => cols[k]!.push(v));
          hash = next;
          state = accountDecider.evolve(state, e);
          if (revision % BigInt(DEFAULT_SNAPSHOT_EVERY) === 0n) snapshot = { state, revision };
        }
      }
      await c.query(
        `insert into es.events (tx_id, event_id, stream_id, revision, type, data, metadata, digest, prev_hash, hash)
         select pg_current_xact_id(), id, $1, r, t, d, m, g, p, h
           from unnest($2::uuid[], $3::bigint[], $4::text[], $5::jsonb[], $6::jsonb[], $7::text[], $8::text[], $9::text[]) as x(id, r, t, d, m, g, p, h)`,
        [stream, ...cols.slice(0, 8)],
      );
      if (done % 200_000 === 0) process.stderr.write(`  ${fmtInt(done)} events written\n`);
    }
    await new SnapshotStore(db).save(stream, accountAggregate.snapshotVersion, snapshot);
    return { seconds: (performance.now() - t0) / 1000, revision };
  } finally {
    await c.end();
    await db.end();
  }
}

/** Moves every read model's and process's checkpoint to the head (they have "seen" the bench's history). */
async function markCaughtUp(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`update rm_meta.checkpoints set position = (select max(position) from es.events)`);
    await c.query(`update cmd.process_checkpoints set position = (select max(position) from es.events)`);
  } finally {
    await c.end();
  }
}

async function sql(url: string, text: string): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(text);
  } finally {
    await c.end();
  }
}

await ensureBuilt();
const empty = await freshBenchDatabase('bench_history_empty');
const full = await freshBenchDatabase('bench_history_full');
try {
  const emptyStart = await start(empty.url);
  // A first start makes the schemas and the bank's accounts; then the history.
  await start(full.url);
  console.error(`writing ${fmtInt(EVENTS)} events on one bank stream…`);
  const written = await writeHistory(full.url);
  await markCaughtUp(full.url);
  const fullStart = await start(full.url);
  await sql(full.url, `delete from cmd.snapshots`);
  const legacyStart = await start(full.url);
  const afterLegacy = await start(full.url);
  const { rows } = await sql(full.url, `select count(*)::int as n from es.events where stream_id = '${accountStream(bankFeesAccount('JOD'))}'`);

  console.log(`${fmtInt(rows[0].n)} events on ${accountStream(bankFeesAccount('JOD'))} (head revision ${written.revision}), written in ${written.seconds.toFixed(1)} s (bulk INSERT, hash chain computed as the store does)`);
  const row = (name: string, s: Start) => [
    name, fmtInt(s.ms), fmtRatio(s.ms / emptyStart.ms), fmtInt(s.peakMiB), fmtInt(s.settledPeakMiB), fmtRatio(s.settledPeakMiB / emptyStart.settledPeakMiB),
    s.ms < TARGET_MS && s.settledPeakMiB < TARGET_MIB ? 'yes' : 'NO',
  ];
  printTable(
    [
      { header: 'start', align: 'left' }, { header: 'ms to 200' }, { header: '÷ empty' }, { header: 'peak MiB at 200' },
      { header: `peak MiB +${SETTLE_MS} ms` }, { header: '÷ empty' }, { header: `< ${TARGET_MS} ms and < ${TARGET_MIB} MiB` },
    ],
    [
      row('empty database (baseline)', emptyStart),
      row(`${fmtInt(EVENTS)} events on one bank stream, snapshots written on the way`, fullStart),
      row('same, snapshots dropped (first load pages through)', legacyStart),
      row('restart after that load (it snapshotted)', afterLegacy),
    ],
  );
  console.log(`targets: start < ${TARGET_MS} ms and peak RSS < ${TARGET_MIB} MiB with ${fmtInt(EVENTS)} events on one bank stream`);
} finally {
  await empty.drop();
  await full.drop();
}
