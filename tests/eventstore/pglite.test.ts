import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { fillFromClusterTemplate } from '../../src/eventstore/pglite/cluster-template.js';
import { DataDirInUseError } from '../../src/eventstore/pglite/data-dir-lock.js';
import { openPGlite, openPGliteEventStore } from '../../src/eventstore/pglite/pglite-event-store.js';
import { verifyChain } from '../../src/eventstore/hash-chain.js';
import { ensureBuilt } from '../helpers/build.js';
import { describeEventStoreContract } from './contract.js';
import { newEvents, rejection, streamName, sqlTamper } from './support.js';

async function openAt(dir: string) {
  const { db, release } = await openPGlite(dir);
  const store = await openPGliteEventStore(db, async () => release());
  return { db, store };
}

describeEventStoreContract('PGlite in memory', async () => {
  const { db, store } = await openAt('memory://');
  return { store, tamper: sqlTamper(db), cleanup: () => store.close() };
});

describeEventStoreContract('PGlite in a data folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-es-contract-'));
  const { db, store } = await openAt(dir);
  return {
    store,
    tamper: sqlTamper(db),
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

/** A child process that is alive until killed, and one that has already exited. */
function liveChild() {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  return child;
}

async function finishedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid!;
  await new Promise<void>((resolve, reject) => {
    child.on('exit', () => resolve());
    child.on('error', reject);
  });
  return pid;
}

describe('PGlite data folder', function () {
  this.timeout(60_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'nexus-es-folder-'));
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps events across close and reopen, takes over a stale lock, refuses a live one', async () => {
    const lock = join(dir, 'nexus.pid');
    const s = streamName('durable');
    const events = newEvents(3);

    const first = await openAt(dir);
    expect(readFileSync(lock, 'utf8').trim()).to.equal(String(process.pid));
    const written = await first.store.append(s, events, 'no_stream');
    await first.store.close();
    expect(() => readFileSync(lock), 'close releases the lock').to.throw();

    // Another live process holds the folder: refused before anything is opened.
    const child = liveChild();
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', () => resolve());
        child.once('error', reject);
      });
      writeFileSync(lock, String(child.pid));
      const error = await rejection(openPGlite(dir));
      expect(error).to.be.instanceOf(DataDirInUseError);
      expect((error as DataDirInUseError).pid).to.equal(child.pid);
      expect((error as DataDirInUseError).dir).to.equal(dir);
      expect(readFileSync(lock, 'utf8').trim(), 'a refused open leaves the lock alone').to.equal(String(child.pid));
    } finally {
      child.kill('SIGKILL');
    }

    // A lock left by a process that no longer runs (kill -9) is taken over.
    const stale = await finishedPid();
    writeFileSync(lock, String(stale));
    const second = await openAt(dir);
    try {
      expect(readFileSync(lock, 'utf8').trim()).to.equal(String(process.pid));
      const read = await second.store.readStream(s);
      expect(read.map((e) => e.event_id)).to.deep.equal(events.map((e) => e.event_id));
      expect(read.map((e) => e.position)).to.deep.equal(written.events.map((e) => e.position));
      expect(read.map((e) => e.data)).to.deep.equal(events.map((e) => e.data));
      expect(verifyChain(read)).to.deep.equal([]);
      expect(await second.store.headPosition()).to.equal(written.position);
      // And the reopened store continues the stream.
      const more = await second.store.append(s, newEvents(1), 2n);
      expect(more.next_revision).to.equal(3n);
      expect(more.position > written.position).to.equal(true);
    } finally {
      await second.store.close();
    }
  });
});

describe('PGlite cluster template (npm run build)', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  const newFolder = () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'nexus-template-')), 'data');
    dirs.push(dir);
    return dir;
  };
  before(async () => {
    await ensureBuilt();
  });
  after(() => dirs.forEach((d) => rmSync(join(d, '..'), { recursive: true, force: true })));

  it('fills a new folder from the template (the empty schema, no event) instead of running initdb, and the folder keeps what is written', async () => {
    const dir = newFolder();
    const opened = await openPGlite(dir);
    expect(opened.cluster).to.equal('template');
    const count = async (sql: string) => Number((await opened.db.query<{ n: string }>(sql)).rows[0]!.n);
    expect(await count('select count(*) as n from es.events')).to.equal(0);
    const projections = await count('select count(*) as n from rm_meta.checkpoints where position = 0');
    expect(projections).to.be.greaterThan(5);
    expect(await count(`select count(*) as n from information_schema.tables where table_schema = 'rm'`)).to.be.greaterThan(projections);
    const store = await openPGliteEventStore(opened.db, async () => opened.release());
    const written = await store.append(streamName('template'), newEvents(2), 'no_stream');
    await store.close();
    const again = await openPGlite(dir);
    expect(again.cluster).to.equal('existing');
    const reopened = await openPGliteEventStore(again.db, async () => again.release());
    try {
      expect(await reopened.headPosition()).to.equal(written.position);
    } finally {
      await reopened.close();
    }
  });

  it('copies the template again into a folder whose copy was cut short (PG_VERSION comes last)', async () => {
    const dir = newFolder();
    expect(fillFromClusterTemplate(dir)).to.equal(true);
    rmSync(join(dir, 'PG_VERSION'));
    rmSync(join(dir, 'global'), { recursive: true });
    const opened = await openPGlite(dir);
    try {
      expect(opened.cluster).to.equal('template');
      expect((await opened.db.query<{ one: number }>('select 1 as one')).rows).to.deep.equal([{ one: 1 }]);
    } finally {
      await opened.db.close();
      opened.release();
    }
  });
});
