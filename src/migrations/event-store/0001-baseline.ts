import { createHash } from 'node:crypto';
import type { Knex } from 'knex';

/**
 * Event store migration 0001: schema `es` as the service made it before
 * versioned migrations (the text the service ran at every start until then).
 * Frozen: change the schema in a new migration, never here. Idempotent
 * (`if not exists`, `create or replace`), so a database made before versioned
 * migrations is brought to exactly this schema and recorded as migrated.
 *
 * The events table and the append function shared by the PostgreSQL and PGlite
 * adapters.
 *
 * Commit-safe positions: a bigint identity is assigned at insert, but
 * transactions commit out of order. `es.append_events` therefore takes its
 * transaction id and its positions inside one short advisory-locked section
 * (released before commit, so commits still group), which makes position order
 * equal transaction-id order among appenders. A reader that only returns rows
 * with `tx_id < pg_snapshot_xmin(pg_current_snapshot())` then sees every
 * earlier-positioned event already committed or rolled back: none is skipped.
 * This needs the append to be the first write of its transaction; the function
 * refuses otherwise.
 *
 * `es.append_checked` is one stream's append (idempotency by event id, the
 * expected-revision check, the inserts); `es.append_events` runs one under the
 * lock, `es.append_batch` runs many under one lock and one commit (group commit,
 * used by the pg adapter when appends arrive concurrently).
 *
 * The hash chain link is computed here as in hash-chain.ts `linkHash`.
 */
const APPEND_LOCK_KEY = 7_262_001;

const EVENT_STORE_SCHEMA = `
create schema if not exists es;

create table if not exists es.events (
  position    bigint generated always as identity primary key,
  tx_id       xid8 not null,
  event_id    uuid not null,
  stream_id   text not null,
  revision    bigint not null check (revision >= 0),
  type        text not null,
  data        jsonb not null,
  metadata    jsonb not null,
  digest      text not null,
  prev_hash   text not null,
  hash        text not null,
  recorded_at timestamptz not null default clock_timestamp(),
  constraint events_event_id_key unique (event_id),
  constraint events_stream_revision_key unique (stream_id, revision)
);

-- Readers scan the position key and filter on tx_id: no index on tx_id to maintain.
drop index if exists es.events_tx_id_idx;

-- Append-only: every UPDATE, DELETE or TRUNCATE of es.events is refused (ES004),
-- even one that matches no row. ENABLE ALWAYS keeps the guard on under
-- session_replication_role = replica; only the table's owner can disable it,
-- so the service connects as a role that does not own the table (README,
-- "Tamper evidence"), and signed checkpoints catch what an owner changes.
create or replace function es.refuse_event_change() returns trigger
language plpgsql as $fn$
begin
  raise exception using errcode = 'ES004',
    message = format('es.events is append-only: %s refused', tg_op),
    hint = 'Stored events are never changed or removed; append a correcting event instead.';
end
$fn$;
create or replace trigger events_append_only
  before update or delete or truncate on es.events
  for each statement execute function es.refuse_event_change();
alter table es.events enable always trigger events_append_only;

-- A refused append (ES001 wrong expected revision, ES003 id stored in another
-- stream) returns one row carrying o_error/o_detail instead of raising, so a
-- batch needs no subtransaction for the refusals that contention makes common.
-- (Replaced only when its result columns change: a drop would fail appends running now.)
do $do$ begin
  if exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
              where n.nspname = 'es' and p.proname = 'append_checked'
                and p.pronargs = 4) then
    drop function es.append_checked(text, text, jsonb, xid8);
  end if;
end $do$;
-- The stored result of an append whose ids are already stored (a retry), an
-- ES003 row when one of them is stored in another stream, or no row at all.
create or replace function es.append_stored(p_stream text, p_events jsonb)
returns table (o_event_id uuid, o_position bigint, o_revision bigint, o_prev_hash text,
               o_hash text, o_recorded_at timestamptz, o_duplicate boolean, o_error text, o_detail text)
language plpgsql as $fn$
declare
  v_elsewhere uuid;
begin
  if not exists (select 1 from es.events e
                  where e.event_id in (select (x->>'event_id')::uuid from jsonb_array_elements(p_events) x)) then
    return;
  end if;
  select e.event_id into v_elsewhere
    from jsonb_array_elements(p_events) x(ev)
    join es.events e on e.event_id = (x.ev->>'event_id')::uuid and e.stream_id <> p_stream
   limit 1;
  if v_elsewhere is not null then
    return query select null::uuid, null::bigint, null::bigint, null::text, null::text, null::timestamptz,
                        null::boolean, 'ES003'::text, v_elsewhere::text;
    return;
  end if;
  return query
    select (x.ev->>'event_id')::uuid, e.position, e.revision, e.prev_hash, e.hash, e.recorded_at, true,
           null::text, null::text
      from jsonb_array_elements(p_events) with ordinality as x(ev, ord)
      left join es.events e on e.event_id = (x.ev->>'event_id')::uuid and e.stream_id = p_stream
     order by x.ord;
end
$fn$;

-- One stream's append. With p_precheck false and an exact expectation that
-- holds, the look-up of already-stored ids is skipped: a reused id then fails
-- the insert on its unique key, and the caller runs again with p_precheck.
create or replace function es.append_checked(p_stream text, p_expected text, p_events jsonb, p_xid xid8,
                                             p_precheck boolean default true)
returns table (o_event_id uuid, o_position bigint, o_revision bigint, o_prev_hash text,
               o_hash text, o_recorded_at timestamptz, o_duplicate boolean, o_error text, o_detail text)
language plpgsql as $fn$
declare
  v_head bigint;
  v_hash text;
  v_ev jsonb;
  v_rev bigint;
  v_new_hash text;
  v_checked boolean := p_precheck or p_expected in ('any', 'stream_exists');
begin
  if v_checked then
    return query select * from es.append_stored(p_stream, p_events);
    if found then return; end if;
  elsif jsonb_array_length(p_events) = 1 then
    -- The common case in one statement: read the head, check the expectation, insert.
    v_ev := p_events->0;
    return query
      with h as (select e.revision, e.hash from es.events e where e.stream_id = p_stream order by e.revision desc limit 1),
           head as (select (select h.revision from h) as rev, coalesce((select h.hash from h), repeat('0', 64)) as hash)
      insert into es.events as e (tx_id, event_id, stream_id, revision, type, data, metadata, digest, prev_hash, hash)
      select p_xid, (v_ev->>'event_id')::uuid, p_stream, coalesce(head.rev, -1) + 1, v_ev->>'type', v_ev->'data',
             v_ev->'metadata', v_ev->>'digest', head.hash,
             encode(sha256(convert_to(head.hash || ':' || (coalesce(head.rev, -1) + 1)::text || ':' || (v_ev->>'digest'), 'UTF8')), 'hex')
        from head
       where (p_expected = 'no_stream' and head.rev is null) or head.rev = nullif(p_expected, 'no_stream')::bigint
      returning e.event_id, e.position, e.revision, e.prev_hash, e.hash, e.recorded_at, false, null::text, null::text;
    if found then return; end if;
    -- The expectation did not hold: the general path below says why.
  end if;

  select e.revision, e.hash into v_head, v_hash
    from es.events e where e.stream_id = p_stream order by e.revision desc limit 1;

  if (p_expected = 'no_stream' and v_head is not null)
     or (p_expected = 'stream_exists' and v_head is null)
     or (p_expected not in ('any', 'no_stream', 'stream_exists') and v_head is distinct from p_expected::bigint) then
    if not v_checked then
      -- A retry carries the expectation of its first attempt: report what it stored.
      return query select * from es.append_stored(p_stream, p_events);
      if found then return; end if;
    end if;
    return query select null::uuid, null::bigint, null::bigint, null::text, null::text, null::timestamptz,
                        null::boolean, 'ES001'::text, coalesce(v_head::text, 'no_stream');
    return;
  end if;

  v_rev := coalesce(v_head, -1);
  v_hash := coalesce(v_hash, repeat('0', 64));
  for v_ev in select value from jsonb_array_elements(p_events) loop
    v_rev := v_rev + 1;
    v_new_hash := encode(sha256(convert_to(v_hash || ':' || v_rev::text || ':' || (v_ev->>'digest'), 'UTF8')), 'hex');
    return query
      insert into es.events as e (tx_id, event_id, stream_id, revision, type, data, metadata, digest, prev_hash, hash)
      values (p_xid, (v_ev->>'event_id')::uuid, p_stream, v_rev, v_ev->>'type', v_ev->'data',
              v_ev->'metadata', v_ev->>'digest', v_hash, v_new_hash)
      returning e.event_id, e.position, e.revision, e.prev_hash, e.hash, e.recorded_at, false, null::text, null::text;
    v_hash := v_new_hash;
  end loop;
end
$fn$;

-- One append, for callers holding their own transaction (and PGlite).
create or replace function es.append_events(p_stream text, p_expected text, p_events jsonb)
returns table (o_event_id uuid, o_position bigint, o_revision bigint, o_prev_hash text,
               o_hash text, o_recorded_at timestamptz, o_duplicate boolean)
language plpgsql as $fn$
declare
  r record;
begin
  if pg_current_xact_id_if_assigned() is not null then
    raise exception using errcode = 'ES002',
      message = 'es.append_events must be the first write of its transaction';
  end if;
  perform pg_advisory_lock(${APPEND_LOCK_KEY});
  for r in select * from es.append_checked(p_stream, p_expected, p_events, pg_current_xact_id()) loop
    if r.o_error is not null then
      raise exception using errcode = r.o_error, detail = r.o_detail,
        message = case r.o_error when 'ES001' then 'wrong expected revision' else 'event id stored in another stream' end;
    end if;
    o_event_id := r.o_event_id; o_position := r.o_position; o_revision := r.o_revision; o_prev_hash := r.o_prev_hash;
    o_hash := r.o_hash; o_recorded_at := r.o_recorded_at; o_duplicate := r.o_duplicate;
    return next;
  end loop;
  perform pg_advisory_unlock(${APPEND_LOCK_KEY});
end
$fn$;

-- Group commit: many independent appends (items {stream, expected, events}) in
-- one transaction, one lock hand-off and one commit. A refused item reports
-- its error in its row and the others stand. Anything raised (a unique
-- violation when a writer outside the lock got there first) fails the whole
-- call; the caller then sends the batch again with p_isolate, which runs each
-- item in its own subtransaction (keep batches under 64 items for the cache).
do $do$ begin
  if exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
              where n.nspname = 'es' and p.proname = 'append_batch' and p.pronargs = 1) then
    drop function es.append_batch(jsonb);
  end if;
end $do$;
create or replace function es.append_batch(p_items jsonb, p_isolate boolean default false)
returns table (o_item int, o_event_id uuid, o_position bigint, o_revision bigint, o_prev_hash text,
               o_hash text, o_recorded_at timestamptz, o_duplicate boolean,
               o_error text, o_detail text, o_constraint text)
language plpgsql as $fn$
declare
  v_xid xid8;
  v_item jsonb;
  v_i int := 0;
  v_state text;
  v_detail text;
  v_constraint text;
begin
  if pg_current_xact_id_if_assigned() is not null then
    raise exception using errcode = 'ES002',
      message = 'es.append_batch must be the first write of its transaction';
  end if;
  perform pg_advisory_lock(${APPEND_LOCK_KEY});
  v_xid := pg_current_xact_id();
  for v_item in select value from jsonb_array_elements(p_items) loop
    if not p_isolate then
      return query
        select v_i, c.*, null::text
          from es.append_checked(v_item->>'stream', v_item->>'expected', v_item->'events', v_xid, false) c;
    else
      begin
        return query
          select v_i, c.*, null::text
            from es.append_checked(v_item->>'stream', v_item->>'expected', v_item->'events', v_xid) c;
      exception when others then
        get stacked diagnostics v_state = returned_sqlstate, v_detail = pg_exception_detail, v_constraint = constraint_name;
        return query select v_i, null::uuid, null::bigint, null::bigint, null::text, null::text,
                            null::timestamptz, null::boolean, v_state, v_detail, v_constraint;
      end;
    end if;
    v_i := v_i + 1;
  end loop;
  perform pg_advisory_unlock(${APPEND_LOCK_KEY});
end
$fn$;
`;

/** The version mark the service before versioned migrations left on schema `es` (kept: an old database has it). */
const EVENT_STORE_SCHEMA_MARK = `nexus-es ${createHash('sha256').update(EVENT_STORE_SCHEMA, 'utf8').digest('hex').slice(0, 16)}`;

export const baseline = {
  name: '0001-baseline',
  async up(knex: Knex): Promise<void> {
    await knex.raw(`${EVENT_STORE_SCHEMA}\ncomment on schema es is '${EVENT_STORE_SCHEMA_MARK}';`);
  },
};
