/**
 * Rebuild of every read model from a million events, in one read of the log
 * (target: under 30 s), beside the same projections rebuilt one by one (each
 * reading and parsing the whole log on its own), measured in the same run.
 *
 *   npx tsx bench/rebuild.ts                  # 1,000,000 events
 *   BENCH_EVENTS=100000 npx tsx bench/rebuild.ts
 *
 * A scratch database is filled through the event store adapter (batched
 * appends, several streams at once) with realistic account streams: an
 * opening, then deposits, debits with fees and credits whose balance_after
 * add up. Then every registered projection is rebuilt from position 0 one by
 * one (into fresh tables, swapped in: these are the live build), then all of
 * them at once with one read of the log, each checked equal to the live build
 * at its swap.
 *
 * Env: BENCH_DATABASE_URL (admin URL), BENCH_EVENTS (default 1,000,000),
 * BENCH_EVENTS_PER_ACCOUNT (default 200), BENCH_BATCH (rebuild batch, default 5,000),
 * BENCH_BASELINE=accounts to rebuild only the accounts projection one by one
 * first (the others' live build then comes from the rebuild-all itself, unchecked),
 * BENCH_FILL_ONLY=1 BENCH_KEEP_DB=1 to only fill a database and keep it (to profile against).
 */
import { randomUUID } from 'node:crypto';

import type { EventMetadata, NewEvent } from '../src/eventstore/port.js';
import { openPostgresEventStore } from '../src/eventstore/postgres/postgres-event-store.js';
import { postgresDb } from '../src/infra/db.js';
import { accountsProjection } from '../src/projections/accounts/accounts-projection.js';
import { allProjections } from '../src/projections/registry.js';
import { rebuildAll, rebuildProjection, type RebuildProgress } from '../src/projections/runtime/rebuild.js';
import { freshBenchDatabase, serverInfo } from './lib/db.js';
import { fmtInt, printTable } from './lib/table.js';
import { positiveInt } from './lib/env.js';
import { migrateServiceSchema } from '../src/migrations/service/index.js';

const EVENTS = positiveInt('BENCH_EVENTS', 1_000_000);
const PER_ACCOUNT = positiveInt('BENCH_EVENTS_PER_ACCOUNT', 200);
const BATCH = positiveInt('BENCH_BATCH', 5_000);
const APPEND_CHUNK = 500;
const WRITERS = 4;


const accountNumber = (i: number) => String(100_000_000_000 + i * 7);

function metadata(at: Date): EventMetadata {
  return {
    correlation_id: randomUUID(),
    causation_id: null,
    actor: { user_id: randomUUID(), role: 'customer', ip: '10.0.0.1' },
    schema_version: 1,
    occurred_at: at.toISOString(),
  };
}

/** One account's stream: opened, then movements whose balance_after add up. */
function accountEvents(i: number, count: number, accounts: number): NewEvent[] {
  const events: NewEvent[] = [];
  let t = Date.UTC(2026, 0, 1) + i * 1000;
  const at = () => new Date((t += 60_000));
  const number = accountNumber(i);
  events.push({ event_id: randomUUID(), type: 'AccountOpened', data: { account_number: number, owner_id: randomUUID(), type: 'Basic', currency: 'JOD' }, metadata: metadata(at()) });
  let balance = 0n;
  for (let k = 1; k < count; k++) {
    const other = accountNumber((i + 1 + ((k * 7919) % Math.max(accounts - 1, 1))) % accounts);
    const amount = BigInt(1_000 + ((i * 31 + k * 17) % 90_000));
    const roll = (i + k * 13) % 10;
    if (roll < 3 || balance < amount + 500n) {
      balance += amount;
      events.push({ event_id: randomUUID(), type: 'FundsDeposited', data: { deposit_id: randomUUID(), amount: amount.toString(), balance_after: balance.toString(), reference: '' }, metadata: metadata(at()) });
    } else if (roll < 7) {
      const fee = 500n;
      balance -= amount + fee;
      events.push({
        event_id: randomUUID(),
        type: 'AccountDebited',
        data: { transfer_id: randomUUID(), kind: 'external', amount: amount.toString(), fee: fee.toString(), counterparty_account: other, credit_amount: amount.toString(), fx: null, fee_account: '900000000011', from_reservation: false, balance_after: balance.toString() },
        metadata: metadata(at()),
      });
    } else {
      balance += amount;
      events.push({ event_id: randomUUID(), type: 'AccountCredited', data: { transfer_id: randomUUID(), kind: 'internal', amount: amount.toString(), counterparty_account: other, fx: null, balance_after: balance.toString() }, metadata: metadata(at()) });
    }
  }
  return events;
}

async function main(): Promise<void> {
  const scratch = await freshBenchDatabase('rebuild');
  const store = await openPostgresEventStore(scratch.url, WRITERS + 2);
  const db = postgresDb(scratch.url, 16);
  try {
    const info = await serverInfo(scratch.url);
    await migrateServiceSchema(db);
    const accounts = Math.ceil(EVENTS / PER_ACCOUNT);
    console.log(`PostgreSQL ${info.version}, synchronous_commit=${info.synchronous_commit}; writing ${fmtInt(EVENTS)} events in ${fmtInt(accounts)} account streams...`);
    const writeStart = performance.now();
    let next = 0;
    let written = 0;
    const writer = async () => {
      for (;;) {
        const i = next++;
        if (i >= accounts) return;
        const events = accountEvents(i, Math.min(PER_ACCOUNT, EVENTS - i * PER_ACCOUNT), accounts);
        for (let k = 0; k < events.length; k += APPEND_CHUNK) {
          await store.append(`account-${accountNumber(i)}`, events.slice(k, k + APPEND_CHUNK), k === 0 ? 'no_stream' : BigInt(k - 1));
        }
        written += events.length;
        if (i % 200 === 0) process.stderr.write(`\r  written ${fmtInt(written)}`);
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, writer));
    const writeSeconds = (performance.now() - writeStart) / 1000;
    process.stderr.write('\r');
    const head = await store.headPosition();
    console.log(`written ${fmtInt(written)} events (head ${head}) in ${writeSeconds.toFixed(1)} s: ${fmtInt(written / writeSeconds)} appended events/s`);

    if (process.env.BENCH_FILL_ONLY) return;
    const rows: string[][] = [];
    const all = allProjections();
    const baseline = process.env.BENCH_BASELINE === 'accounts' ? [accountsProjection] : [accountsProjection, ...all.filter((p) => p.name !== 'accounts')];
    const ticker = (label: string) => {
      let last = performance.now();
      return (p: RebuildProgress) => {
        if (performance.now() - last < 1000) return;
        last = performance.now();
        process.stderr.write(`\r\x1b[K  ${label}: ${fmtInt(Number(p.position))}/${fmtInt(Number(p.target))}`);
      };
    };
    let oneByOne = 0;
    for (const projection of baseline) {
      const started = performance.now();
      const result = await rebuildProjection(store, db, projection, { batchSize: BATCH, onProgress: ticker(projection.name) });
      const seconds = (performance.now() - started) / 1000;
      oneByOne += seconds;
      process.stderr.write('\r\x1b[K');
      rows.push([projection.name, fmtInt(result.events), seconds.toFixed(1), fmtInt(result.events / seconds), fmtInt((1_000_000 / result.events) * seconds)]);
    }
    printTable(
      [
        { header: 'one by one', align: 'left' },
        { header: 'events replayed', align: 'right' },
        { header: 'seconds', align: 'right' },
        { header: 'events/s', align: 'right' },
        { header: 's per 1M', align: 'right' },
      ],
      rows,
    );
    console.log(`one by one, ${baseline.length} projections: ${oneByOne.toFixed(1)} s (each reads ${fmtInt(Number(head))} events)`);

    const slowest = new Map<string, bigint>();
    const started = performance.now();
    const outcomes = await rebuildAll(store, db, all, {
      batchSize: BATCH,
      verify: true,
      onProgress: (name, p) => {
        slowest.set(name, p.position);
        if (slowest.size === all.length) ticker('all')({ ...p, position: [...slowest.values()].reduce((a, b) => (a < b ? a : b)) });
      },
    });
    const allSeconds = (performance.now() - started) / 1000;
    process.stderr.write('\r\x1b[K');
    const failed = outcomes.filter((o) => !o.ok);
    if (failed.length > 0) throw new Error(`rebuild-all failed: ${failed.map((o) => o.name).join(', ')}`);
    const checks = outcomes.map((o) => (o.ok ? `${o.name} ${!o.check.compared ? 'unchecked' : o.check.differing.length === 0 ? 'equal' : `DIFFERS (${o.check.differing.join(', ')})`}` : o.name));
    console.log(`checked against the live build at each swap: ${checks.join(', ')}`);
    const per1M = (allSeconds * 1_000_000) / Number(head);
    console.log(
      `rebuild-all, ${all.length} projections, one read of ${fmtInt(Number(head))} events: ${allSeconds.toFixed(1)} s ` +
        `(${per1M.toFixed(1)} s per 1M, target < 30 s); one by one in this run: ${oneByOne.toFixed(1)} s for ${baseline.length} ` +
        `=> ${(oneByOne / allSeconds).toFixed(2)}x faster${baseline.length < all.length ? ' (baseline: accounts only)' : ''}`,
    );
    console.log(
      `target (issue 12): all read models rebuilt from 1M events in < 30 s; this run: ${per1M.toFixed(1)} s per 1M ` +
        `(${fmtInt(Number(head) / allSeconds)} events/s) => ${per1M < 30 ? 'met' : `not met (${(per1M / 30).toFixed(1)}x the target)`}` +
        `${Number(head) < 1_000_000 ? `, extrapolated from ${fmtInt(Number(head))} events` : ''}`,
    );
    if (checks.some((c) => c.includes('DIFFERS'))) process.exitCode = 1;
  } finally {
    await store.close();
    await db.end();
    if (process.env.BENCH_KEEP_DB) console.log(`kept ${scratch.url}`);
    else await scratch.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
