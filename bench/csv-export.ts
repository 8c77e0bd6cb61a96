/**
 * Memory of a CSV export: the risk incidents list downloaded as CSV with a
 * million rows in the read model, the service running with its V8 old space
 * capped (BENCH_HEAP_MB, default 96), its resident set sampled every 20 ms.
 *
 *   npm run bench:csv-export                 # 1,000,000 incidents
 *   BENCH_ROWS=200000 npm run bench:csv-export
 *
 * The rows are inserted straight into rm.incidents (the export reads the read
 * model; how they got there does not matter to it). The download is parsed
 * with csv-parse as it arrives and every row counted. Fails (exit 1) when a
 * row is missing or the resident set grew by more than the heap cap + 64 MB
 * (young generation, code and socket buffers live outside the old space).
 * Needs PostgreSQL as the tests do (TEST_DATABASE_URL).
 */
import pg from 'pg';
import { insertIncidents, startServiceWithHeap, streamCsv } from '../tests/helpers/csv-download.js';
import { createStaff } from '../tests/helpers/users.js';
import { positiveInt } from './lib/env.js';
import { fmtInt, printTable } from './lib/table.js';

const ROWS = positiveInt('BENCH_ROWS', 1_000_000);
const HEAP_MB = positiveInt('BENCH_HEAP_MB', 96);
const CHUNK = 100_000;

const svc = await startServiceWithHeap(HEAP_MB);
const db = new pg.Pool({ connectionString: svc.databaseUrl, max: 2 });
try {
  const staff = await createStaff(svc, 'bench-csv@example.com');
  const inserting = Date.now();
  for (let done = 0; done < ROWS; done += CHUNK) await insertIncidents(db, Math.min(CHUNK, ROWS - done), 1_000_000_000 + done);
  await db.query('analyze rm.incidents');
  const total = Number((await db.query<{ n: string }>('select count(*)::text as n from rm.incidents')).rows[0]!.n);
  console.log(`${fmtInt(total)} incidents in the read model (${((Date.now() - inserting) / 1000).toFixed(1)} s to insert)`);
  const res = await streamCsv(`${svc.baseUrl}/risk/incidents?format=csv`, staff.access, svc.pids()[0]!);
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);
  const grown = (res.rssPeak - res.rssBefore) / 2 ** 20;
  printTable(
    ['rows', 'seconds', 'rows/s', 'heap cap MB', 'RSS before MB', 'RSS peak MB', 'grown MB'].map((header) => ({ header })),
    [[fmtInt(res.rows), (res.ms / 1000).toFixed(1), fmtInt(Math.round(res.rows / (res.ms / 1000))), String(HEAP_MB), mb(res.rssBefore), mb(res.rssPeak), grown.toFixed(1)]],
  );
  const ok = res.status === 200 && res.rows === total && grown < HEAP_MB + 64;
  if (!ok) {
    console.error(`FAILED: status ${res.status}, ${res.rows} of ${total} rows, RSS grew ${grown.toFixed(1)} MB`);
    process.exitCode = 1;
  }
} finally {
  await db.end();
  await svc.stop();
}
