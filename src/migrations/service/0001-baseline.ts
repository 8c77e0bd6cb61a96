import type { Knex } from 'knex';

/**
 * Service migration 0001: the tables the service kept for itself before
 * versioned migrations, exactly as it made them then (each store made its own
 * at start). Frozen: change them in a new migration, never here. Idempotent
 * (`if not exists`), so a database made before versioned migrations is
 * recorded as migrated without a change.
 *
 * The read models' own tables (rm.*) are not here: each projection makes them
 * in its setup and rebuilds them from the events when its version changes.
 */
const SERVICE_SCHEMA = `
-- Command side (cmd)
create schema if not exists cmd;

-- Per-subject data keys, wrapped by the master key (privacy/keyring.ts).
create table if not exists cmd.data_keys (
  subject    text primary key,
  wrapped    text,
  created_at timestamptz not null default now(),
  erased_at  timestamptz
);

-- Aggregate snapshots (commands/shared/snapshots.ts).
create table if not exists cmd.snapshots (
  stream_id text primary key,
  version   int not null,
  revision  bigint not null,
  state     text not null,
  saved_at  timestamptz not null default now()
);

-- The service's idempotency record (commands/shared/idempotency.ts).
create table if not exists cmd.idempotency_keys (
  user_id      text not null,
  scope        text not null,
  key          text not null,
  fingerprint  text not null,
  state        text not null check (state in ('in_flight', 'done')),
  status       int,
  response     text,
  lease_until  timestamptz not null,
  created_at   timestamptz not null default now(),
  primary key (user_id, scope, key)
);

-- Credential hashes (commands/credentials/credential-store.ts).
create table if not exists cmd.credentials (
  subject    text not null,
  kind       text not null,
  slot       text not null default '',
  secret     text not null,
  created_at timestamptz not null default clock_timestamp(),
  expires_at timestamptz,
  primary key (subject, kind, slot)
);
create index if not exists credentials_expiry_idx on cmd.credentials (expires_at) where expires_at is not null;

-- Keyed email hashes (commands/users/email-index.ts).
create table if not exists cmd.email_index (
  email_hash text primary key,
  user_id    text not null,
  claimed_at timestamptz not null default now()
);
create index if not exists email_index_user_idx on cmd.email_index (user_id);

-- Processes: where each $all follower resumes (processes/process-checkpoints.ts), the risk rules' memory.
create table if not exists cmd.process_checkpoints (
  name text primary key,
  position bigint not null,
  updated_at timestamptz not null default now()
);
create table if not exists cmd.risk_memory (
  name text primary key,
  memory jsonb not null,
  updated_at timestamptz not null default now()
);

-- Read models (rm) and the projection runtime's bookkeeping (projections/runtime/checkpoints.ts).
create schema if not exists rm;
create schema if not exists rm_meta;
create table if not exists rm_meta.checkpoints (
  name        text primary key,
  position    bigint not null default 0 check (position >= 0),
  version     int not null,
  updated_at  timestamptz not null default now()
);
create table if not exists rm_meta.rebuilds (
  name            text primary key,
  state           text not null check (state in ('running', 'done', 'failed')),
  position        bigint not null default 0,
  target_position bigint not null default 0,
  events_applied  bigint not null default 0,
  started_at      timestamptz not null default now(),
  finished_at     timestamptz,
  error           text
);
`;

export const baseline = {
  name: '0001-baseline',
  async up(knex: Knex): Promise<void> {
    await knex.raw(SERVICE_SCHEMA);
  },
};
