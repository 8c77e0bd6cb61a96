import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { loadConfig } from '../../src/config/config.js';
import { openPGlite } from '../../src/eventstore/pglite/pglite-event-store.js';
import { pgliteDb, postgresDb } from '../../src/infra/db.js';
import { createLogger } from '../../src/infra/logger.js';
import { openInfrastructure } from '../../src/infra/open-infrastructure.js';
import { eventStoreMigrations } from '../../src/migrations/event-store/index.js';
import type { MigrationSet, ReadRows } from '../../src/migrations/migration.js';
import { dbReader, migrationStatus, runMigrations } from '../../src/migrations/run-migrations.js';
import { migrateServiceSchema, serviceMigrations } from '../../src/migrations/service/index.js';
import { startReadModels } from '../../src/projections/read-models.js';
import { allProjections } from '../../src/projections/registry.js';
import { CLI_ENTRY, ensureBuilt } from '../helpers/build.js';
import { freshDatabase, type ScratchDatabase } from '../helpers/postgres.js';

/** The schema the code before versioned migrations made (pg_dump --schema-only), without psql's meta-commands. */
const OLD_SCHEMA = readFileSync('tests/fixtures/schema-before-migrations.sql', 'utf8')
  .split('\n')
  .filter((line) => !line.startsWith('\\'))
  .join('\n');

const ALL = ['es', 'cmd', 'rm', 'rm_meta'];
const KNEX = `c.relname not like 'knex\\_migrations%'`;

/**
 * What a schema is, read from the catalog: tables and columns, constraints,
 * indexes, triggers (and whether enabled), functions (their whole definition)
 * and the schemas' comments. knex's own tables are left out.
 */
interface Catalog {
  schemas: string[];
  columns: string[];
  constraints: string[];
  indexes: string[];
  triggers: string[];
  functions: string[];
}

async function catalog(read: ReadRows, schemas = ALL): Promise<Catalog> {
  const inSchemas = `(${schemas.map((s) => `'${s}'`).join(', ')})`;
  const lines = async (text: string) => (await read<{ line: string }>(`${text} order by 1`)).map((r) => r.line);
  return {
    schemas: await lines(`select nspname || ' ' || coalesce(obj_description(oid, 'pg_namespace'), '') as line from pg_namespace where nspname in ${inSchemas}`),
    columns: await lines(`select n.nspname || '.' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull::text
                                 || ' ' || a.attidentity::text || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '') as line
                            from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
                            left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
                           where n.nspname in ${inSchemas} and c.relkind in ('r', 'p', 'v') and a.attnum > 0 and not a.attisdropped and ${KNEX}`),
    constraints: await lines(`select n.nspname || '.' || c.relname || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid) as line
                                from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
                               where n.nspname in ${inSchemas} and ${KNEX}`),
    indexes: await lines(`select n.nspname || ' ' || pg_get_indexdef(i.indexrelid) as line
                            from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
                           where n.nspname in ${inSchemas} and ${KNEX}`),
    triggers: await lines(`select pg_get_triggerdef(t.oid) || ' ' || t.tgenabled::text as line
                             from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
                            where n.nspname in ${inSchemas} and not t.tgisinternal`),
    functions: await lines(`select pg_get_functiondef(p.oid) as line from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname in ${inSchemas}`),
  };
}

async function names(read: ReadRows, set: MigrationSet): Promise<{ name: string; batch: number }[]> {
  return (await migrationStatus(read, set)).applied.map(({ name, batch }) => ({ name, batch }));
}

const secret = () => randomBytes(32).toString('hex');

/** One start of the service's storage as `npm start` does it: migrations, then the read models built and stopped. */
async function startOnce(databaseUrl: string): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nexus-migrations-'));
  const env = { LOG_LEVEL: 'silent', JWT_SECRET: secret(), DATA_MASTER_KEY: secret(), EMAIL_HASH_KEY: secret(), EMAIL_MODE: 'drop', DATABASE_URL: databaseUrl, DATA_DIR: dataDir };
  const config = { ...loadConfig(env), projectorInProcess: true };
  const infra = await openInfrastructure(config, createLogger(config));
  try {
    await (await startReadModels(config, createLogger(config), infra)).stop();
  } finally {
    await infra.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A database the code before migrations made and started once: its schema, and a checkpoint per projection. */
async function loadOldDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(OLD_SCHEMA);
    for (const p of allProjections()) await client.query('insert into rm_meta.checkpoints (name, position, version) values ($1, 0, $2)', [p.name, p.version]);
  } finally {
    await client.end();
  }
}

const cli = (url: string, ...args: string[]) =>
  promisify(execFile)(process.execPath, [CLI_ENTRY, 'migrate', ...args], {
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: url, EVENTSTORE_URL: '' },
    encoding: 'utf8',
  });

describe('schema migrations (knex)', function () {
  this.timeout(120_000);

  describe('on PostgreSQL', () => {
    const dbs: ScratchDatabase[] = [];
    const pools: pg.Pool[] = [];
    const open = async (label: string) => {
      const db = await freshDatabase(label);
      dbs.push(db);
      const pool = new pg.Pool({ connectionString: db.url, max: 2 });
      pools.push(pool);
      const read: ReadRows = async <R>(text: string) => (await pool.query(text)).rows as R[];
      return { ...db, read };
    };
    let old: Awaited<ReturnType<typeof open>>;
    let fresh: Awaited<ReturnType<typeof open>>;
    let oldCatalog: Catalog;
    let oldOwn: Catalog;
    const OWN = ['es', 'cmd', 'rm_meta'];

    before(async () => {
      await ensureBuilt();
      old = await open('mig_old');
      fresh = await open('mig_new');
      await loadOldDatabase(old.url);
      oldCatalog = await catalog(old.read);
      oldOwn = await catalog(old.read, OWN);
      await startOnce(old.url);
      await startOnce(fresh.url);
    });
    after(async () => {
      for (const pool of pools) await pool.end();
      for (const db of dbs) await db.drop();
    });

    it('the fixture is a whole schema of the code before (event store, command side, processes, read models)', () => {
      expect(oldCatalog.schemas).to.have.length(4);
      expect(oldCatalog.schemas.find((s) => s.startsWith('es '))).to.match(/^es nexus-es [0-9a-f]{16}$/);
      expect(oldCatalog.columns.filter((c) => c.startsWith('es.events.'))).to.have.length(12);
      expect(oldCatalog.triggers.join('\n')).to.include('events_append_only');
      expect(oldCatalog.functions).to.have.length(5);
      expect(oldCatalog.columns.some((c) => c.startsWith('cmd.risk_memory.'))).to.equal(true);
      expect(oldCatalog.columns.some((c) => c.startsWith('rm_meta.checkpoints.'))).to.equal(true);
    });

    it('the baselines (0001) make exactly the schema of the code before', async () => {
      const base = await open('mig_base');
      const db = postgresDb(base.url, 1);
      try {
        for (const set of [eventStoreMigrations, serviceMigrations]) {
          expect(await runMigrations({ connection: db.connection, read: dbReader(db) }, { ...set, migrations: set.migrations.slice(0, 1) })).to.deep.equal(['0001-baseline']);
        }
      } finally {
        await db.end();
      }
      // Everything but the read models' own tables, which the projections make.
      expect(await catalog(base.read, OWN)).to.deep.equal(oldOwn);
      expect((await catalog(base.read, ['rm'])).schemas).to.deep.equal(['rm ']);
    });

    it('migrating a database made before migrations records every migration, and gives the schema of a new database', async () => {
      // The read models' own tables (rm.*) are the projections' (made and rebuilt by version), not the migrations'.
      const [o, f] = [await catalog(old.read, OWN), await catalog(fresh.read, OWN)];
      for (const k of Object.keys(f) as (keyof typeof f)[]) {
        const only = (a: unknown, b: unknown) => (a as string[]).filter((x) => !(b as string[]).includes(x));
        expect(o[k], `${k}: only old ${JSON.stringify(only(o[k], f[k]))}, only new ${JSON.stringify(only(f[k], o[k]))}`).to.deep.equal(f[k]);
      }
      for (const set of [eventStoreMigrations, serviceMigrations]) {
        const all = set.migrations.map((m) => ({ name: m.name, batch: 1 }));
        expect(await names(old.read, set), set.title).to.deep.equal(all);
        expect(await names(fresh.read, set), set.title).to.deep.equal(all);
      }
    });

    it('running the migrations again is a no-op', async () => {
      const records = async () => (await fresh.read<{ row: string }>(`select (select json_agg(m order by id)::text from es.knex_migrations m) || (select json_agg(m order by id)::text from cmd.knex_migrations m) as row`))[0]!.row;
      const recorded = await records();
      const made = await catalog(fresh.read);
      const db = postgresDb(fresh.url, 1);
      try {
        expect(await runMigrations({ connection: db.connection, read: dbReader(db) }, eventStoreMigrations)).to.deep.equal([]);
        expect(await migrateServiceSchema(db)).to.deep.equal([]);
      } finally {
        await db.end();
      }
      await startOnce(fresh.url);
      expect(await records()).to.equal(recorded);
      expect(await catalog(fresh.read)).to.deep.equal(made);
    });

    it('cli migrate --status lists the applied and the pending migrations; cli migrate applies them, once', async () => {
      const empty = await open('mig_cli');
      const sets = [eventStoreMigrations, serviceMigrations];
      const all = (set: MigrationSet) => set.migrations.map((m) => m.name);
      expect((await cli(empty.url, '--status')).stdout).to.equal(
        sets.map((set) => `${set.title}: 0 applied, ${all(set).length} pending\n${all(set).map((n) => `  pending  ${n}\n`).join('')}`).join(''),
      );
      expect((await cli(empty.url)).stdout).to.equal(sets.map((set) => `${set.title}: applied ${all(set).join(', ')}\n`).join(''));
      expect((await cli(empty.url)).stdout).to.equal(sets.map((set) => `${set.title}: up to date\n`).join(''));
      const status = (await cli(empty.url, '--status')).stdout.split('\n');
      expect(status.shift()).to.equal(`${eventStoreMigrations.title}: ${all(eventStoreMigrations).length} applied, 0 pending`);
      for (const name of all(eventStoreMigrations)) expect(status.shift()).to.match(new RegExp(`^  applied  ${name}  \\(batch 1, \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\)$`));
      expect(status.shift()).to.equal(`${serviceMigrations.title}: ${all(serviceMigrations).length} applied, 0 pending`);
      for (const name of all(serviceMigrations)) expect(status.shift()).to.match(new RegExp(`^  applied  ${name}  \\(batch 1, [^)]+\\)$`));
      expect(status).to.deep.equal(['']);
      expect(await catalog(empty.read, OWN)).to.deep.equal(await catalog(old.read, OWN));
    });

    it('two processes migrating one database at once: one applies each migration, the other waits and finds it done', async () => {
      const target = await open('mig_race');
      const [a, b] = await Promise.all([cli(target.url), cli(target.url)]);
      // Per set, exactly one of the two applied it (not necessarily the same process for both sets).
      for (const set of [eventStoreMigrations, serviceMigrations]) {
        const lines = [a.stdout, b.stdout].map((out) => out.split('\n').find((l) => l.startsWith(`${set.title}:`))).sort();
        expect(lines).to.deep.equal([`${set.title}: applied ${set.migrations.map((m) => m.name).join(', ')}`, `${set.title}: up to date`]);
        expect(await names(target.read, set)).to.deep.equal(set.migrations.map((m) => ({ name: m.name, batch: 1 })));
      }
      expect((await target.read<{ is_locked: number }>('select is_locked from es.knex_migrations_lock union all select is_locked from cmd.knex_migrations_lock')).map((r) => r.is_locked)).to.deep.equal([0, 0]);
    });
  });

  describe('on embedded PGlite', () => {
    const migrated = async (pglite: PGlite) => {
      const db = pgliteDb(pglite);
      return [
        await runMigrations({ connection: db.connection, read: dbReader(db) }, eventStoreMigrations),
        await migrateServiceSchema(db),
      ];
    };
    const reader = (pglite: PGlite): ReadRows => dbReader(pgliteDb(pglite));

    /** An empty cluster, quickly: a copy of the build's template (initdb takes long) with the service's schemas dropped. */
    const emptyCluster = async () => {
      const dir = mkdtempSync(join(tmpdir(), 'nexus-migrations-pglite-'));
      const opened = await openPGlite(dir);
      await opened.db.exec('drop schema es, cmd, rm, rm_meta cascade');
      return {
        pglite: opened.db,
        close: async () => {
          await opened.db.close();
          opened.release();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    };

    it('a database made before migrations, once migrated, has the schema of a new one', async () => {
      const old = await emptyCluster();
      const fresh = await emptyCluster();
      try {
        await old.pglite.exec(OLD_SCHEMA);
        await old.pglite.exec('set search_path to default');
        const schemas = ['es', 'cmd', 'rm_meta'];
        expect((await catalog(reader(old.pglite), schemas)).functions).to.have.length(5);
        const every = [eventStoreMigrations, serviceMigrations].map((set) => set.migrations.map((m) => m.name));
        expect(await migrated(old.pglite)).to.deep.equal(every);
        expect(await migrated(fresh.pglite)).to.deep.equal(every);
        expect(await catalog(reader(old.pglite), schemas)).to.deep.equal(await catalog(reader(fresh.pglite), schemas));
        expect(await migrated(fresh.pglite)).to.deep.equal([[], []]);
        // knex left the shared instance open.
        expect((await fresh.pglite.query<{ n: number }>('select count(*)::int as n from es.events')).rows[0]!.n).to.equal(0);
      } finally {
        await old.close();
        await fresh.close();
      }
    });

    it('the cluster template of the build was made through the same migrations', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'nexus-migrations-template-'));
      const opened = await openPGlite(dir);
      try {
        expect(opened.cluster).to.equal('template');
        for (const set of [eventStoreMigrations, serviceMigrations]) {
          const status = await migrationStatus(reader(opened.db), set);
          expect(status.pending, set.title).to.deep.equal([]);
          expect(status.applied.map((m) => m.name), set.title).to.deep.equal(set.migrations.map((m) => m.name));
        }
      } finally {
        await opened.db.close();
        opened.release();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
