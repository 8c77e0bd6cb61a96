import type { Knex } from 'knex';

/**
 * Event store migration 0002: appends to several streams in one transaction,
 * all or none (a transfer's debit, credit and fee in one commit).
 *
 * `es.append_atomic(items, xid)` takes `[{stream, expected, events}, ...]`
 * (each stream once) and first checks every stream, under the append lock
 * that the caller holds so no other appender moves a head meanwhile: an item
 * whose event ids are all stored in its stream already is a retry and reports
 * them (o_duplicate); an id stored elsewhere (ES003), an item mixing stored
 * and new ids, or an expectation that does not hold (ES001, the actual head
 * in o_detail) returns that item's refusal and writes nothing at all. Only
 * then are the new items inserted. A head can still move between the check
 * and the insert (an appender that held the lock before us commits after
 * releasing it, and each statement reads afresh): a refusal while inserting
 * raises (ES001/ES003, the item's index in the hint) so the streams already
 * inserted are undone with it. o_sub is the item's index.
 *
 * `es.append_many(items, isolate)` is `es.append_batch` (group commit of many
 * independent appends in one transaction) whose items may also be such an
 * atomic group (`{"streams": [...]}`); it returns o_sub besides o_item.
 */
const APPEND_LOCK_KEY = 7_262_001;

const SQL = `
create or replace function es.append_atomic(p_items jsonb, p_xid xid8)
returns table (o_sub int, o_event_id uuid, o_position bigint, o_revision bigint, o_prev_hash text,
               o_hash text, o_recorded_at timestamptz, o_duplicate boolean, o_error text, o_detail text)
language plpgsql as $fn$
declare
  v_item jsonb;
  v_i int := 0;
  v_head bigint;
  v_expected text;
  v_stored boolean[] := '{}';
  v_refused boolean;
  v_row record;
begin
  for v_item in select value from jsonb_array_elements(p_items) loop
    v_expected := v_item->>'expected';
    if exists (select 1 from es.events e
                where e.event_id in (select (x->>'event_id')::uuid from jsonb_array_elements(v_item->'events') x)) then
      -- A retry (or a refusal): what is stored decides, the expectation does not.
      select bool_or(s.o_error is not null or s.o_position is null) into v_refused
        from es.append_stored(v_item->>'stream', v_item->'events') s;
      if v_refused then
        return query select v_i, s.* from es.append_stored(v_item->>'stream', v_item->'events') s;
        return;
      end if;
      v_stored := v_stored || true;
    else
      select e.revision into v_head from es.events e
       where e.stream_id = v_item->>'stream' order by e.revision desc limit 1;
      if (v_expected = 'no_stream' and v_head is not null)
         or (v_expected = 'stream_exists' and v_head is null)
         or (v_expected not in ('any', 'no_stream', 'stream_exists') and v_head is distinct from v_expected::bigint) then
        return query select v_i, null::uuid, null::bigint, null::bigint, null::text, null::text, null::timestamptz,
                            null::boolean, 'ES001'::text, coalesce(v_head::text, 'no_stream');
        return;
      end if;
      v_stored := v_stored || false;
    end if;
    v_i := v_i + 1;
  end loop;
  v_i := 0;
  for v_item in select value from jsonb_array_elements(p_items) loop
    if v_stored[v_i + 1] then
      return query select v_i, s.* from es.append_stored(v_item->>'stream', v_item->'events') s;
    else
      -- Each statement reads with a fresh snapshot, and an appender that took the
      -- lock before us may commit only now (the lock is released before commit):
      -- a head checked above can have moved. A refusal here must undo the streams
      -- already inserted, so it raises (the caller's subtransaction, or the whole call).
      for v_row in select * from es.append_checked(v_item->>'stream', v_item->>'expected', v_item->'events', p_xid, false) loop
        if v_row.o_error is not null then
          raise exception using errcode = v_row.o_error, detail = coalesce(v_row.o_detail, ''), hint = v_i::text,
            message = case v_row.o_error when 'ES001' then 'wrong expected revision' else 'event id stored in another stream' end;
        end if;
        return query select v_i, v_row.o_event_id, v_row.o_position, v_row.o_revision, v_row.o_prev_hash, v_row.o_hash,
                            v_row.o_recorded_at, v_row.o_duplicate, null::text, null::text;
      end loop;
    end if;
    v_i := v_i + 1;
  end loop;
end
$fn$;

create or replace function es.append_many(p_items jsonb, p_isolate boolean default false)
returns table (o_item int, o_sub int, o_event_id uuid, o_position bigint, o_revision bigint, o_prev_hash text,
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
  v_hint text;
begin
  if pg_current_xact_id_if_assigned() is not null then
    raise exception using errcode = 'ES002',
      message = 'es.append_many must be the first write of its transaction';
  end if;
  perform pg_advisory_lock(${APPEND_LOCK_KEY});
  v_xid := pg_current_xact_id();
  for v_item in select value from jsonb_array_elements(p_items) loop
    if not p_isolate then
      -- No subtransaction: a refusal is a row, and anything raised fails the whole call.
      if v_item->'streams' is not null then
        return query select v_i, a.*, null::text from es.append_atomic(v_item->'streams', v_xid) a;
      else
        return query
          select v_i, 0, c.*, null::text
            from es.append_checked(v_item->>'stream', v_item->>'expected', v_item->'events', v_xid, false) c;
      end if;
    else
      begin
        if v_item->'streams' is not null then
          return query select v_i, a.*, null::text from es.append_atomic(v_item->'streams', v_xid) a;
        else
          return query
            select v_i, 0, c.*, null::text
              from es.append_checked(v_item->>'stream', v_item->>'expected', v_item->'events', v_xid) c;
        end if;
      exception when others then
        get stacked diagnostics v_state = returned_sqlstate, v_detail = pg_exception_detail, v_constraint = constraint_name,
                                v_hint = pg_exception_hint;
        -- An atomic item's refusal raised in append_atomic names its stream in the hint.
        return query select v_i, case when v_state in ('ES001', 'ES003') and v_hint ~ '^[0-9]+$' then v_hint::int else 0 end,
                            null::uuid, null::bigint, null::bigint, null::text, null::text,
                            null::timestamptz, null::boolean, v_state, v_detail, v_constraint;
      end;
    end if;
    v_i := v_i + 1;
  end loop;
  perform pg_advisory_unlock(${APPEND_LOCK_KEY});
end
$fn$;
`;

export const multiStreamAppend = {
  name: '0002-multi-stream-append',
  async up(knex: Knex): Promise<void> {
    await knex.raw(SQL);
  },
};
