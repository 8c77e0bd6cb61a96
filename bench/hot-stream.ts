/**
 * Commands per second on one busy stream (like the bank's fee account, which
 * every external transfer credits): 32 concurrent callers crediting the same
 * account through the aggregate repository, on PostgreSQL. Beside it, in the
 * same run, the same load with one append per command (maxGroup 1) as the
 * baseline, so the figure is the gain of deciding and appending queued
 * commands together. Then the bank's split accounts (BANK_STREAM_SHARDS): the
 * same fee credits, each sent to the sub-stream its transfer id picks, with 1
 * sub-stream (one stream, as before the split) and with BENCH_SHARDS (default
 * 8), in the same run, so the figure is the gain of the split.
 *
 *   npm run bench:hot-stream
 *
 * Env: BENCH_SECONDS (per side, default 5), BENCH_CONNECTIONS (default 32), BENCH_SHARDS,
 * BENCH_SPLIT_CONNECTIONS (callers of the split sides, default 256: with few callers one
 * stream's groups already absorb them and more sub-streams only mean more, smaller appends),
 * BENCH_DATABASE_URL (admin URL; a scratch database is made and dropped).
 */
import { randomUUID } from 'node:crypto';
import { accountAggregate, accountStream } from '../src/commands/accounts/account-aggregate.js';
import { bankFeesAccount, newAccountNumber } from '../src/commands/accounts/account-numbers.js';
import { movementStream, subStream } from '../src/domain/accounts/sub-streams.js';
import { AggregateRepository } from '../src/commands/shared/aggregate-repository.js';
import { systemContext } from '../src/commands/shared/command-context.js';
import { SnapshotStore } from '../src/commands/shared/snapshots.js';
import { openPostgresEventStore } from '../src/eventstore/postgres/postgres-event-store.js';
import { postgresDb } from '../src/infra/db.js';
import { freshBenchDatabase, serverInfo } from './lib/db.js';
import { positiveInt } from './lib/env.js';
import { runClosedLoop } from './lib/load.js';
import { fmtInt, fmtMs, fmtRatio, printTable } from './lib/table.js';
import { migrateServiceSchema } from '../src/migrations/service/index.js';

const SECONDS = positiveInt('BENCH_SECONDS', 5);
const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 32);
const SHARDS = positiveInt('BENCH_SHARDS', 8);
/** Enough callers to fill more than one stream's group (maxGroup 32): where one stream caps the bank. */
const SPLIT_CONNECTIONS = positiveInt('BENCH_SPLIT_CONNECTIONS', 256);

const database = await freshBenchDatabase('bench_hot_stream');
const store = await openPostgresEventStore(database.url, 16);
const db = postgresDb(database.url, 4);
try {
  await migrateServiceSchema(db);
  const info = await serverInfo(database.url);
  const side = async (maxGroup: number) => {
    const repo = new AggregateRepository(store, new SnapshotStore(db), { maxGroup });
    const n = newAccountNumber();
    const ctx = () => systemContext('bench');
    await repo.execute(accountAggregate, accountStream(n), { type: 'OpenAccount', account_number: n, owner_id: 'bank', account_type: 'BankFees', currency: 'USD' }, ctx(), () => randomUUID());
    return runClosedLoop({
      workers: CONNECTIONS,
      durationMs: SECONDS * 1000,
      warmupMs: 1000,
      makeWorker: () => async () => {
        const credit = { type: 'CreditAccount' as const, transfer_id: randomUUID(), kind: 'external' as const, amount: 1n, counterparty_account: 'x', fx: null };
        await repo.execute(accountAggregate, accountStream(n), credit, ctx(), () => randomUUID());
      },
    });
  };
  /** Fee credits to a bank account split into `shards` sub-streams, each to the one its transfer id picks. */
  const split = async (n: string, shards: number) => {
    const repo = new AggregateRepository(store, new SnapshotStore(db));
    const ctx = () => systemContext('bench');
    for (let k = 0; k < shards; k++) {
      await repo.execute(accountAggregate, subStream(n, k), { type: 'OpenAccount', account_number: n, owner_id: 'bank', account_type: 'BankFees', currency: 'USD' }, ctx(), () => randomUUID());
    }
    return runClosedLoop({
      workers: SPLIT_CONNECTIONS,
      durationMs: SECONDS * 1000,
      warmupMs: 1000,
      makeWorker: () => async () => {
        const transfer_id = randomUUID();
        const credit = { type: 'CreditAccount' as const, transfer_id, kind: 'external' as const, amount: 1n, counterparty_account: 'x', fx: null };
        await repo.execute(accountAggregate, movementStream(n, transfer_id, shards), credit, ctx(), () => randomUUID());
      },
    });
  };
  const single = await side(1);
  const grouped = await side(32);
  const oneStream = await split(bankFeesAccount('USD'), 1);
  const subStreams = await split(bankFeesAccount('EUR'), SHARDS);
  console.log(`PostgreSQL ${info.version} (synchronous_commit=${info.synchronous_commit}); ${CONNECTIONS} callers on one stream, ${SECONDS} s each`);
  printTable(
    [{ header: 'commands on one stream', align: 'left' }, { header: 'ops/s' }, { header: 'p50 ms' }, { header: 'p99 ms' }, { header: 'errors' }],
    [
      ['one append per command (maxGroup 1)', fmtInt(single.opsPerSec), fmtMs(single.latency.p50), fmtMs(single.latency.p99), String(single.errors)],
      ['queued commands appended together', fmtInt(grouped.opsPerSec), fmtMs(grouped.latency.p50), fmtMs(grouped.latency.p99), String(grouped.errors)],
    ],
  );
  console.log(`grouped ÷ one by one = ${fmtRatio(grouped.opsPerSec / single.opsPerSec)}`);
  printTable(
    [{ header: `fee credits to one bank account, ${SPLIT_CONNECTIONS} callers (grouped)`, align: 'left' }, { header: 'ops/s' }, { header: 'p50 ms' }, { header: 'p99 ms' }, { header: 'errors' }],
    [
      ['1 sub-stream (BANK_STREAM_SHARDS=1)', fmtInt(oneStream.opsPerSec), fmtMs(oneStream.latency.p50), fmtMs(oneStream.latency.p99), String(oneStream.errors)],
      [`${SHARDS} sub-streams (BANK_STREAM_SHARDS=${SHARDS})`, fmtInt(subStreams.opsPerSec), fmtMs(subStreams.latency.p50), fmtMs(subStreams.latency.p99), String(subStreams.errors)],
    ],
  );
  console.log(`${SHARDS} sub-streams ÷ 1 = ${fmtRatio(subStreams.opsPerSec / oneStream.opsPerSec)} (the split should lift the one-stream cap: > 1.00)`);
} finally {
  await store.close();
  await db.end();
  await database.drop();
}
