import type { Knex } from 'knex';

/**
 * Service migration 0002: the risk process's memory one row per entry (a
 * user's recent transfers, an IP's failed sign-ins, ...) instead of one
 * document, so that a save writes only the entries that changed. The old
 * table stays until the process has moved its document over (it does at its
 * first save, in the statement that writes the entries).
 */
const SQL = `
create table if not exists cmd.risk_memory_entries (
  name  text not null,
  part  text not null,
  key   text not null,
  value jsonb not null,
  primary key (name, part, key)
);
`;

export const riskMemoryEntries = {
  name: '0002-risk-memory-entries',
  async up(knex: Knex): Promise<void> {
    await knex.raw(SQL);
  },
};
