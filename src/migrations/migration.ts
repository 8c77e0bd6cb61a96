import type { Knex } from 'knex';

/** Runs one statement and returns its rows. */
export type ReadRows = <R>(text: string) => Promise<R[]>;

/**
 * One versioned schema change: `name` is recorded in the set's
 * `knex_migrations` table once `up` has run (in one transaction with the
 * other migrations of its batch). Migrations are never edited once released;
 * a change is a new one, named with the next number.
 */
export interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
}

/**
 * The migrations of schemas that one database role owns, applied in order.
 * Their record (knex's `knex_migrations` and `knex_migrations_lock`) lives in
 * `schema`, so whoever may change those schemas may record them.
 */
export interface MigrationSet {
  /** How `cli migrate` names the set. */
  title: string;
  /** The schema holding the set's record; made (if missing) before the first migration. */
  schema: string;
  migrations: readonly Migration[];
  /** An advisory lock held while migrating: a second process starting at once waits, then finds nothing to do. */
  lockKey: number;
  /** A check beyond the record (the append-only guard of es.events); false runs `repair`. */
  sound?(read: ReadRows): Promise<boolean>;
  repair?(knex: Knex): Promise<void>;
}
