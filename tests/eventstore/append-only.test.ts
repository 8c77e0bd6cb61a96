import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import { openPGlite, openPGliteEventStore } from '../../src/eventstore/pglite/pglite-event-store.js';
import { openPostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import { appendOnlyRoleSql } from '../../src/eventstore/sql/app-role.js';
import type { EventStore } from '../../src/eventstore/port.js';
import { ADMIN_URL, freshDatabase, untilDisconnected, type ScratchDatabase } from '../helpers/postgres.js';
import { newEvents, rejection, streamName, type RawSql } from './support.js';

const codeOf = (error: unknown) => (error as { code?: string }).code;

/** Every way of changing or removing stored rows, each of which the guard must refuse. */
const EDITS = [
  `update es.events set data = '{"amount":"999"}'::jsonb`,
  `update es.events set data = data where false`,
  `delete from es.events where revision = 1`,
  `delete from es.events where false`,
  `truncate es.events`,
];

async function expectGuarded(store: EventStore, raw: RawSql): Promise<void> {
  const s = streamName('guarded');
  await store.append(s, newEvents(3), 'no_stream');
  const before = await store.readStream(s);
  for (const statement of EDITS) {
    const error = await rejection(raw.query(statement));
    expect(codeOf(error), statement).to.equal('ES004');
    expect((error as Error).message, statement).to.match(/es\.events is append-only: (UPDATE|DELETE|TRUNCATE) refused/);
  }
  expect(await store.readStream(s)).to.deep.equal(before);
}

describe('es.events is append-only', function () {
  this.timeout(60_000);

  it('PGlite refuses every update, delete and truncate, even of no row', async () => {
    const { db } = await openPGlite('memory://');
    const store = await openPGliteEventStore(db);
    try {
      await expectGuarded(store, db);
    } finally {
      await store.close();
    }
  });

  describe('PostgreSQL', () => {
    const role = `nexus_app_${randomBytes(4).toString('hex')}`;
    let db: ScratchDatabase;
    let store: EventStore;
    let admin: pg.Pool;
    let asRole: pg.Pool | undefined;

    before(async () => {
      db = await freshDatabase('guard');
      store = await openPostgresEventStore(db.url, 4);
      admin = new pg.Pool({ connectionString: db.url, max: 2 });
    });
    after(async () => {
      await store?.close();
      await admin?.end();
      await asRole?.end();
      if (!db) return;
      await untilDisconnected(db.name);
      await db.drop();
      // The role's grants went with the database; it owns nothing else.
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      try {
        await c.query(`drop role if exists ${role}`);
      } finally {
        await c.end();
      }
    });

    it('refuses every update, delete and truncate, even of no row', async () => {
      await expectGuarded(store, admin);
    });

    it('keeps refusing under session_replication_role = replica (which skips ordinary triggers)', async () => {
      const client = await admin.connect();
      try {
        await client.query(`set session_replication_role = replica`);
        expect(codeOf(await rejection(client.query(`delete from es.events`)))).to.equal('ES004');
      } finally {
        await client.query(`reset session_replication_role`);
        client.release();
      }
    });

    it('a store opened by the owner turns a disabled guard back on', async () => {
      await admin.query(`alter table es.events disable trigger user`);
      await admin.query(`delete from es.events where false`);
      const reopened = await openPostgresEventStore(db.url, 1);
      await reopened.close();
      expect(codeOf(await rejection(admin.query(`delete from es.events where false`)))).to.equal('ES004');
    });

    describe('the append-only role (event-store-role)', () => {
      let roleUrl: string;

      before(async () => {
        // A schema an earlier run of the service made as the owner passes to the role.
        await admin.query(`create schema cmd; create table cmd.owned_before (id int)`);
        const cli = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'event-store-role', '--role', role], {
          env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: db.url, EVENTSTORE_URL: '' },
          encoding: 'utf8',
        });
        expect(cli.status, cli.stderr).to.equal(0);
        expect(cli.stdout).to.include(`alter role ${role} login password`);
        await admin.query(`alter role ${role} login`);
        const u = new URL(db.url);
        u.username = role;
        roleUrl = u.toString();
        asRole = new pg.Pool({ connectionString: roleUrl, max: 2 });
      });

      it('--print shows the same SQL without connecting', () => {
        const printed = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'event-store-role', '--role', role, '--print'], {
          env: { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
          encoding: 'utf8',
        });
        expect(printed.status, printed.stderr).to.equal(0);
        expect(printed.stdout.trim()).to.equal(appendOnlyRoleSql(role).trim());
      });

      it('opens the migrated store, appends and reads', async () => {
        const roleStore = await openPostgresEventStore(roleUrl, 2);
        try {
          const s = streamName('role');
          await roleStore.append(s, newEvents(2), 'no_stream');
          await roleStore.append(s, newEvents(1), 1n);
          expect((await roleStore.readStream(s)).map((e) => e.revision)).to.deep.equal([0n, 1n, 2n]);
        } finally {
          await roleStore.close();
        }
      });

      it('may not update, delete or truncate events, nor turn the guard off', async () => {
        for (const statement of [...EDITS, `alter table es.events disable trigger user`, `drop trigger events_append_only on es.events`]) {
          expect(codeOf(await rejection(asRole!.query(statement))), statement).to.equal('42501');
        }
      });

      it('owns the service schemas, old and new', async () => {
        await asRole!.query(`create schema rm; create table rm.t (id int); drop table rm.t; drop table cmd.owned_before`);
        const { rows } = await admin.query(`select nspname, pg_get_userbyid(nspowner) as owner from pg_namespace where nspname in ('cmd', 'rm', 'es') order by 1`);
        expect(rows.map((r) => `${r.nspname}:${r.owner === role ? 'role' : 'owner'}`)).to.deep.equal(['cmd:role', 'es:owner', 'rm:role']);
      });

      it('refuses to start on an unguarded table it may not fix, saying why', async () => {
        await admin.query(`alter table es.events disable trigger user`);
        try {
          const error = await rejection(openPostgresEventStore(roleUrl, 1));
          expect((error as Error).message).to.match(/append-only guard is off\), which this database role may not do: run `npm run cli -- event-store-role`/);
        } finally {
          await admin.query(`alter table es.events enable always trigger events_append_only`);
        }
      });
    });
  });
});
