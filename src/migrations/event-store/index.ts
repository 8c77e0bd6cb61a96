import type { Knex } from 'knex';
import type { MigrationSet } from '../migration.js';
import { baseline } from './0001-baseline.js';
import { multiStreamAppend } from './0002-multi-stream-append.js';
import { atomicAppendFastPath } from './0003-atomic-append-fast-path.js';

/**
 * Schema `es` (PostgreSQL and embedded PGlite; EventStoreDB has none), owned
 * by the role that migrates it, which may differ from the service's role
 * (README, "Tamper evidence"). Add a migration as the next file here and list it.
 */
export const eventStoreMigrations: MigrationSet = {
  title: 'event store (schema es)',
  schema: 'es',
  migrations: [baseline, multiStreamAppend, atomicAppendFastPath],
  lockKey: 7_262_002,
  /** The append-only guard is in place and enabled always ('A'). */
  async sound(read) {
    const rows = await read<{ guard: string | null }>(
      `select (select t.tgenabled::text from pg_trigger t
                where t.tgrelid = to_regclass('es.events') and t.tgname = 'events_append_only') as guard`,
    );
    return rows[0]?.guard === 'A';
  },
  /** Puts the guard back (only the table's owner may). */
  async repair(knex: Knex) {
    await knex.raw(`create or replace trigger events_append_only
  before update or delete or truncate on es.events
  for each statement execute function es.refuse_event_change();
alter table es.events enable always trigger events_append_only;`);
  },
};
