/**
 * rebuild-all on a database bench/rebuild.ts filled and kept
 * (BENCH_FILL_ONLY=1 BENCH_KEEP_DB=1), to profile or time the rebuild alone:
 * each run is checked against the live build the previous run swapped in.
 *
 *   BENCH_URL=postgres://.../nexus_rebuild_x npx tsx --cpu-prof bench/rebuild-kept.ts
 */
import { openPostgresEventStore } from '../src/eventstore/postgres/postgres-event-store.js';
import { postgresDb } from '../src/infra/db.js';
import { allProjections } from '../src/projections/registry.js';
import { rebuildAll } from '../src/projections/runtime/rebuild.js';
import { positiveInt } from './lib/env.js';

async function main(): Promise<void> {
  const url = process.env.BENCH_URL;
  if (!url) throw new Error('BENCH_URL: the kept database');
  const store = await openPostgresEventStore(url, 6);
  const db = postgresDb(url, 16);
  try {
    const all = allProjections();
    const head = await store.headPosition();
    const started = performance.now();
    const cpu = process.cpuUsage();
    const loaded = new Map<string, number>();
    const outcomes = await rebuildAll(store, db, all, {
      batchSize: positiveInt('BENCH_BATCH', 5_000),
      verify: true,
      onProgress: (name, p) => {
        if (p.position >= head && !loaded.has(name)) loaded.set(name, (performance.now() - started) / 1000);
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const checks = outcomes.map((o) => (o.ok ? `${o.name} ${!o.check.compared ? 'unchecked' : o.check.differing.length === 0 ? 'equal' : `DIFFERS (${o.check.differing.join(', ')})`}` : `${o.name} FAILED ${o.error.message}`));
    const equal = checks.filter((c) => c.endsWith(' equal')).length;
    console.log(equal === checks.length ? `all ${equal} equal to the live build` : checks.join(', '));
    const loads = [...loaded].sort((a, b) => a[1] - b[1]);
    console.log(`log applied: ${loads.map(([n, t]) => `${n} ${t.toFixed(1)}`).join(', ')} s`);
    console.log(`rebuild-all of ${head} events: ${seconds.toFixed(2)} s, node cpu ${((used.user + used.system) / 1e6).toFixed(2)} s (${((seconds * 1e6) / Number(head)).toFixed(1)} s per 1M)`);
    if (checks.some((c) => c.includes('DIFFERS') || c.includes('FAILED'))) process.exitCode = 1;
  } finally {
    await store.close();
    await db.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
