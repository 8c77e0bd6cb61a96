/**
 * Saving the risk process's memory: one row per entry, only what changed
 * (src/processes/risk/risk-memory-store.ts), beside the whole memory as one
 * jsonb document (how it was saved before service migration 0002), in the
 * same run. The memory holds BENCH_USERS users (default 10,000) with 20 recent
 * transfers each; between two saves BENCH_ACTIVE of them (default 100) make a
 * transfer, as in a second of a bank's traffic.
 *
 *   npx tsx bench/risk-memory.ts
 */
import { emptyMemory, type RiskMemory } from '../src/domain/risk/memory.js';
import { postgresDb } from '../src/infra/db.js';
import { migrateServiceSchema } from '../src/migrations/service/index.js';
import { RiskMemoryStore } from '../src/processes/risk/risk-memory-store.js';
import { freshBenchDatabase } from './lib/db.js';
import { positiveInt } from './lib/env.js';
import { summarize } from './lib/stats.js';
import { fmtInt, fmtMs, fmtRatio, printTable } from './lib/table.js';

const USERS = positiveInt('BENCH_USERS', 10_000);
const ACTIVE = positiveInt('BENCH_ACTIVE', 100);
const ROUNDS = 7;

const transfer = (at: number, account: string, amount: number) => ({ at, account, currency: 'JOD', amount: String(amount) });

function filled(): RiskMemory {
  const m = emptyMemory();
  for (let u = 0; u < USERS; u++) m.transfersByUser[`user-${u}`] = Array.from({ length: 20 }, (_, i) => transfer(1_700_000_000_000 + i, String(1_000_000_000 + u), 1000 + i));
  return m;
}

/** A second of traffic: ACTIVE users each make one transfer (appended in place, as the rules do). */
function traffic(m: RiskMemory, round: number): void {
  for (let k = 0; k < ACTIVE; k++) m.transfersByUser[`user-${(round * ACTIVE + k * 7919) % USERS}`]!.push(transfer(1_800_000_000_000 + round, '1', 5));
}

const database = await freshBenchDatabase('bench_riskmem');
const db = postgresDb(database.url, 2);
try {
  await migrateServiceSchema(db);
  await db.query(`create table cmd.risk_memory_whole (name text primary key, memory jsonb not null)`);
  const memory = filled();
  const store = new RiskMemoryStore(db, 'risk');
  await store.load();
  let t = performance.now();
  await store.save(1n, memory);
  const firstMs = performance.now() - t;
  const entries: number[] = [];
  const whole: number[] = [];
  let written = 0;
  for (let round = 0; round < ROUNDS; round++) {
    traffic(memory, round);
    t = performance.now();
    written += (await store.save(BigInt(round + 2), memory)).written;
    entries.push(performance.now() - t);
    t = performance.now();
    await db.query(`insert into cmd.risk_memory_whole (name, memory) values ('risk', $1::jsonb) on conflict (name) do update set memory = excluded.memory`, [JSON.stringify(memory)]);
    whole.push(performance.now() - t);
  }
  const e = summarize(entries);
  const w = summarize(whole);
  console.log(`risk memory: ${fmtInt(USERS)} users × 20 transfers (${(JSON.stringify(memory).length / 1e6).toFixed(1)} MB as JSON); ${ACTIVE} users transfer between saves; ${ROUNDS} saves each, alternating`);
  printTable(
    [{ header: 'save', align: 'left' }, { header: 'p50 ms' }, { header: 'max ms' }, { header: 'rows written per save' }],
    [
      ['whole memory as one jsonb document (before)', fmtMs(w.p50), fmtMs(w.max), '1'],
      ['changed entries only (risk-memory-store.ts)', fmtMs(e.p50), fmtMs(e.max), fmtInt(written / ROUNDS)],
    ],
  );
  console.log(`whole ÷ entries (p50) = ${fmtRatio(w.p50 / e.p50)}; the first save after the migration writes every entry once: ${fmtMs(firstMs)} ms`);
} finally {
  await db.end();
  await database.drop();
}
