/**
 * Events replayed per second by a projection rebuild (target: a million
 * events rebuilt in under 60 s).
 *
 *   npx tsx bench/rebuild.ts                  # 1,000,000 events
 *   BENCH_EVENTS=100000 npx tsx bench/rebuild.ts
 *
 * A scratch database is filled through the event store adapter (batched
 * appends, several streams at once) with realistic account streams: an
 * opening, then deposits, debits with fees and credits whose balance_after
 * add up. Then the accounts projection is rebuilt from position 0 (into
 * fresh tables, swapped in), and every registered projection after it.
 *
 * Env: BENCH_DATABASE_URL (admin URL), BENCH_EVENTS (default 1,000,000),
 * BENCH_EVENTS_PER_ACCOUNT (default 200), BENCH_BATCH (rebuild batch, default 5,000),
 * BENCH_ONLY_ACCOUNTS=1 to skip the other projections.
 */
import { randomUUID } from 'node:crypto';

import type { EventMetadata, NewEvent } from '../src/eventstore/port.js';
import { openPostgresEventStore } from '../src/eventstore/postgres/postgres-event-store.js';
import { postgresDb } from '../src/infra/db.js';
import { accountsProjection } from '../src/projections/accounts/accounts-projection.js';
import { allProjections } from '../src/projections/registry.js';
import { rebuildProjection, type RebuildProgress } from '../src/projections/runtime/rebuild.js';
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
  const db = postgresDb(scratch.url, 4);
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

    const rows: string[][] = [];
    const targets = process.env.BENCH_ONLY_ACCOUNTS ? [accountsProjection] : [accountsProjection, ...allProjections().filter((p) => p.name !== 'accounts')];
    let total = 0;
    for (const projection of targets) {
      const started = performance.now();
      let last = started;
      const result: RebuildProgress = await rebuildProjection(store, db, projection, {
        batchSize: BATCH,
        onProgress: (p) => {
          if (performance.now() - last > 1000) {
            last = performance.now();
            process.stderr.write(`\r  ${projection.name}: ${fmtInt(Number(p.position))}/${fmtInt(Number(p.target))}`);
          }
        },
      });
      const seconds = (performance.now() - started) / 1000;
      total += seconds;
      process.stderr.write('\r\x1b[K');
      rows.push([projection.name, fmtInt(result.events), seconds.toFixed(1), fmtInt(result.events / seconds), fmtInt((1_000_000 / result.events) * seconds)]);
    }
    printTable(
      [
        { header: 'projection', align: 'left' },
        { header: 'events replayed', align: 'right' },
        { header: 'seconds', align: 'right' },
        { header: 'events/s', align: 'right' },
        { header: 's per 1M (target < 60)', align: 'right' },
      ],
      rows,
    );
    console.log(`all ${targets.length} projections: ${total.toFixed(1)} s for ${fmtInt(Number(head))} events each`);
  } finally {
    await store.close();
    await db.end();
    await scratch.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
