import { expect } from 'chai';
import { emptyMemory, type RiskMemory } from '../../src/domain/risk/memory.js';
import { postgresDb, type Db } from '../../src/infra/db.js';
import { migrateServiceSchema } from '../../src/migrations/service/index.js';
import { RiskMemoryStore } from '../../src/processes/risk/risk-memory-store.js';
import { freshDatabase, type ScratchDatabase } from '../helpers/postgres.js';

const transfer = (at: number, amount: string) => ({ at, account: '1000000001', currency: 'JOD', amount });

/**
 * The risk process's memory on real PostgreSQL, one row per entry: a save
 * writes what changed since the last one (not the whole memory), with the
 * checkpoint; a memory kept whole before migration 0002 is read and moved over.
 */
describe('risk memory store: saves only the entries that changed', function () {
  this.timeout(30_000);
  let database: ScratchDatabase;
  let db: Db;
  /** Each row's version (xmin): unchanged when a save left the row alone. */
  const versions = async (name: string) =>
    new Map((await db.query<{ slot: string; v: string }>(`select part || '/' || key as slot, xmin::text as v from cmd.risk_memory_entries where name = $1`, [name])).map((r) => [r.slot, r.v]));

  before(async () => {
    database = await freshDatabase('riskmem');
    db = postgresDb(database.url, 2);
    await migrateServiceSchema(db);
  });
  after(async () => {
    await db?.end();
    await database?.drop();
  });

  it('writes the changed entries and deletes the dropped ones, leaving the rest untouched, and reads back the same memory', async () => {
    const store = new RiskMemoryStore(db, 'risk-a');
    expect(await store.load()).to.deep.equal({ position: 0n, memory: emptyMemory() });
    const memory: RiskMemory = emptyMemory();
    memory.transfersByUser.u1 = [transfer(1_000, '500')];
    memory.transfersByUser.u2 = [transfer(2_000, '700')];
    memory.failuresByEmail['a@example.com'] = [3_000];
    memory.lastRaised['transfer_burst:u2'] = 2_000;
    expect(await store.save(10n, memory)).to.deep.equal({ written: 4, deleted: 0 });
    const first = await versions('risk-a');
    expect(first.size).to.equal(4);

    memory.transfersByUser.u1 = [...memory.transfersByUser.u1!, transfer(4_000, '900')];
    delete memory.failuresByEmail['a@example.com'];
    expect(await store.save(11n, memory)).to.deep.equal({ written: 1, deleted: 1 });
    const second = await versions('risk-a');
    expect(second.get('transfersByUser/u2'), 'an untouched user is not rewritten').to.equal(first.get('transfersByUser/u2'));
    expect(second.get('lastRaised/transfer_burst:u2')).to.equal(first.get('lastRaised/transfer_burst:u2'));
    expect(second.get('transfersByUser/u1')).to.not.equal(first.get('transfersByUser/u1'));
    expect(second.has('failuresByEmail/a@example.com')).to.equal(false);
    expect(await store.save(12n, memory), 'nothing changed').to.deep.equal({ written: 0, deleted: 0 });

    expect(await new RiskMemoryStore(db, 'risk-a').load()).to.deep.equal({ position: 12n, memory });
  });

  it('sees every way the rules change an entry: an item appended in place, the oldest dropped, a list or object replaced, a list pruned', async () => {
    const store = new RiskMemoryStore(db, 'risk-d');
    await store.load();
    const memory: RiskMemory = emptyMemory();
    memory.transfersByUser.u1 = [transfer(1, '1'), transfer(2, '2')];
    memory.failuresByEmail['b@example.com'] = [10, 11];
    memory.lastCountry.u1 = { country: 'JO', at: 1 };
    await store.save(1n, memory);
    const step = async (change: () => void) => {
      change();
      return (await store.save(2n, memory)).written;
    };
    expect(await step(() => memory.transfersByUser.u1!.push(transfer(3, '3'))), 'appended in place').to.equal(1);
    expect(await step(() => { memory.transfersByUser.u1!.push(transfer(4, '4')); memory.transfersByUser.u1!.splice(0, 1); }), 'oldest dropped, same length').to.equal(1);
    expect(await step(() => memory.failuresByEmail['b@example.com']!.push(12)), 'a number appended').to.equal(1);
    expect(await step(() => (memory.lastCountry.u1 = { country: 'AE', at: 2 })), 'object replaced').to.equal(1);
    expect(await step(() => (memory.transfersByUser.u1 = memory.transfersByUser.u1!.filter((x) => x.at > 2))), 'pruned').to.equal(1);
    expect(await step(() => undefined), 'nothing').to.equal(0);
    expect(await new RiskMemoryStore(db, 'risk-d').load()).to.deep.equal({ position: 2n, memory });
  });

  it('starts from nothing when the checkpoint is gone, and its first save drops what was remembered', async () => {
    const store = new RiskMemoryStore(db, 'risk-b');
    const memory = emptyMemory();
    memory.loginsByIp['192.0.2.1'] = [{ at: 1, user_id: 'u1' }];
    await store.save(5n, memory);
    await db.query(`delete from cmd.process_checkpoints where name = 'risk-b'`);
    const fresh = new RiskMemoryStore(db, 'risk-b');
    expect(await fresh.load()).to.deep.equal({ position: 0n, memory: emptyMemory() });
    expect(await fresh.save(1n, emptyMemory())).to.deep.equal({ written: 0, deleted: 1 });
    expect((await versions('risk-b')).size).to.equal(0);
  });

  it('reads a memory kept whole before the migration, and moves it into entries with its first save', async () => {
    const memory = emptyMemory();
    memory.lastCountry.u9 = { country: 'JO', at: 7 };
    memory.transfersByUser.u9 = [transfer(8, '1')];
    await db.query(`insert into cmd.process_checkpoints (name, position) values ('risk-c', 42)`);
    await db.query(`insert into cmd.risk_memory (name, memory) values ('risk-c', $1::jsonb)`, [JSON.stringify(memory)]);
    const store = new RiskMemoryStore(db, 'risk-c');
    expect(await store.load()).to.deep.equal({ position: 42n, memory });
    expect(await store.save(43n, memory)).to.deep.equal({ written: 2, deleted: 0 });
    expect(await db.query(`select 1 from cmd.risk_memory where name = 'risk-c'`)).to.have.length(0);
    expect(await new RiskMemoryStore(db, 'risk-c').load()).to.deep.equal({ position: 43n, memory });
  });
});
