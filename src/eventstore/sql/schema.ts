/**
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
export const APPEND_LOCK_KEY = 7_262_001;

export const EVENT_STORE_SCHEMA = `
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

create index if not exists events_tx_id_idx on es.events (tx_id);

create or replace function es.append_checked(p_stream text, p_expected text, p_events jsonb, p_xid xid8)
returns table (o_event_id uuid, o_position bigint, o_revision bigint, o_prev_hash text,
               o_hash text, o_recorded_at timestamptz, o_duplicate boolean)
language plpgsql as $fn$
declare
  v_head bigint;
  v_hash text;
  v_ev jsonb;
  v_rev bigint;
  v_new_hash text;
  v_elsewhere uuid;
begin
  -- Any id of the batch already stored: a retry of this append, or an id stored in another stream.
  if exists (select 1 from es.events e
              where e.event_id in (select (x->>'event_id')::uuid from jsonb_array_elements(p_events) x)) then
    select e.event_id into v_elsewhere
      from jsonb_array_elements(p_events) x(ev)
      join es.events e on e.event_id = (x.ev->>'event_id')::uuid and e.stream_id <> p_stream
     limit 1;
    if v_elsewhere is not null then
      raise exception using errcode = 'ES003', message = 'event id stored in another stream',
        detail = v_elsewhere::text;
    end if;
    return query
      select (x.ev->>'event_id')::uuid, e.position, e.revision, e.prev_hash, e.hash, e.recorded_at, true
        from jsonb_array_elements(p_events) with ordinality as x(ev, ord)
        left join es.events e on e.event_id = (x.ev->>'event_id')::uuid and e.stream_id = p_stream
       order by x.ord;
    return;
  end if;

  select e.revision, e.hash into v_head, v_hash
    from es.events e where e.stream_id = p_stream order by e.revision desc limit 1;

  if (p_expected = 'no_stream' and v_head is not null)
     or (p_expected = 'stream_exists' and v_head is null)
     or (p_expected not in ('any', 'no_stream', 'stream_exists') and v_head is distinct from p_expected::bigint) then
    raise exception using errcode = 'ES001', message = 'wrong expected revision',
      detail = coalesce(v_head::text, 'no_stream');
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
      returning e.event_id, e.position, e.revision, e.prev_hash, e.hash, e.recorded_at, false;
    v_hash := v_new_hash;
  end loop;
end
$fn$;

-- One append, for callers holding their own transaction (and PGlite).
create or replace function es.append_events(p_stream text, p_expected text, p_events jsonb)
returns table (o_event_id uuid, o_position bigint, o_revision bigint, o_prev_hash text,
               o_hash text, o_recorded_at timestamptz, o_duplicate boolean)
language plpgsql as $fn$
begin
  if pg_current_xact_id_if_assigned() is not null then
    raise exception using errcode = 'ES002',
      message = 'es.append_events must be the first write of its transaction';
  end if;
  perform pg_advisory_lock(${APPEND_LOCK_KEY});
  return query select * from es.append_checked(p_stream, p_expected, p_events, pg_current_xact_id());
  perform pg_advisory_unlock(${APPEND_LOCK_KEY});
end
$fn$;

-- Group commit: many independent appends (items {stream, expected, events}) in
-- one transaction, one lock hand-off and one commit. Each item runs in its own
-- subtransaction, so a wrong expected revision or a conflict fails that item
-- only (reported in o_error / o_detail / o_constraint) and the others stand.
-- Keep batches under 64 items (the subtransaction cache).
create or replace function es.append_batch(p_items jsonb)
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
    begin
      return query
        select v_i, c.o_event_id, c.o_position, c.o_revision, c.o_prev_hash, c.o_hash, c.o_recorded_at,
               c.o_duplicate, null::text, null::text, null::text
          from es.append_checked(v_item->>'stream', v_item->>'expected', v_item->'events', v_xid) c;
    exception when others then
      get stacked diagnostics v_state = returned_sqlstate, v_detail = pg_exception_detail, v_constraint = constraint_name;
      return query select v_i, null::uuid, null::bigint, null::bigint, null::text, null::text,
                          null::timestamptz, null::boolean, v_state, v_detail, v_constraint;
    end;
    v_i := v_i + 1;
  end loop;
  perform pg_advisory_unlock(${APPEND_LOCK_KEY});
end
$fn$;
`;
