import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { openPostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import type { SqlEventStore } from '../../src/eventstore/sql/sql-event-store.js';
import { postgresDb, type Db } from '../../src/infra/db.js';
import { freshDatabase } from '../helpers/postgres.js';
import { appendMany, truthFromStore } from './fixtures/events.js';
import { checkpointOf, countsIn, sortedEntries, until } from './helpers.js';

function startProjector(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/projections/fixtures/projector-child.ts'], {
    env: { ...process.env, DATABASE_URL: url, APPLY_DELAY_MS: '4', BATCH_SIZE: '40' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      if (output.includes('ready')) resolve(child);
    });
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => reject(new Error(`projector exited (${code}) before ready:\n${output}`)));
  });
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

describe('projector survives kill -9', function () {
  this.timeout(120_000);
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let store: SqlEventStore;
  let db: Db;

  before(async () => {
    database = await freshDatabase('kill');
    store = await openPostgresEventStore(database.url, 8);
    db = postgresDb(database.url, 4);
  });
  after(async () => {
    await store?.close();
    await db?.end();
    await database?.drop();
  });

  it('applies every event exactly once across repeated SIGKILLs while events keep arriving', async () => {
    await appendMany(store, 'k', 40, 50, 5, 8);
    const writing = appendMany(store, 'late', 20, 30, 3, 2);
    const killedAt: bigint[] = [];
    for (let round = 0; round < 6; round++) {
      const child = await startProjector(database.url);
      await new Promise((r) => setTimeout(r, 150 + Math.floor(Math.random() * 250)));
      child.kill('SIGKILL');
      await exited(child);
      killedAt.push(await checkpointOf(db, 'counter'));
    }
    await writing;
    const head = await store.headPosition();
    // The kills landed while there was work left: the projector was cut off mid-stream.
    expect(killedAt.some((p) => p > 0n && p < head), `checkpoints at kills: ${killedAt.join(', ')} of ${head}`).to.equal(true);
    // Progress was kept between kills (a checkpoint never goes back).
    for (let i = 1; i < killedAt.length; i++) expect(killedAt[i]! >= killedAt[i - 1]!).to.equal(true);

    const last = await startProjector(database.url);
    try {
      await until(async () => (await checkpointOf(db, 'counter')) === head, 60_000, 'the projector to catch up');
    } finally {
      last.kill('SIGTERM');
      await exited(last);
    }
    const truth = await truthFromStore(store);
    const counts = await countsIn(db);
    expect(truth.total).to.equal(2600);
    expect(sortedEntries(counts.streams)).to.deep.equal(sortedEntries(truth.streams));
    expect(sortedEntries(counts.types)).to.deep.equal(sortedEntries(truth.types));
  });
});
