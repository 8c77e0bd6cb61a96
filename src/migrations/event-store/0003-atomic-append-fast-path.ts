import type { Knex } from 'knex';

/**
 * Event store migration 0003: the fast path of an atomic multi-stream append,
 * and es.append_batch dropped (es.append_many replaced it in 0002).
 *
 * `es.append_atomic(items, xid, precheck)`: with `precheck` it is 0002's
 * `es.append_atomic(items, xid)` (every stream checked for stored ids and its
 * head before any insert). Without, each stream is appended at once by
 * `es.append_checked(..., false)`, one statement for the common one-event
 * item, as a one-stream append in a batch is; anything but a clean insert (a
 * wrong expectation, ids already stored: a retry) raises ES005, which undoes
 * the whole call, and the caller sends it again isolated (`p_isolate`), where
 * the checked path says exactly what happened. The expensive checks then run
 * only when something is off, as for one-stream appends.
 */
const APPEND_LOCK_KEY = 7_262_001;

const SQL = `
create or replace function es.append_atomic(p_items jsonb, p_xid xid8, p_precheck boolean)
returns table (o_sub int, o_event_id uuid, o_position bigint, o_revision bigint, o_prev_hash text,
               o_hash text, o_recorded_at timestamptz, o_duplicate boolean, o_error text, o_detail text)
language plpgsql as $fn$
declare
  v_item jsonb;
  v_i int := 0;
  v_row record;
begin
  if p_precheck then
    return query select * from es.append_atomic(p_items, p_xid);
    return;
  end if;
  for v_item in select value from jsonb_array_elements(p_items) loop
    for v_row in select * from es.append_checked(v_item->>'stream', v_item->>'expected', v_item->'events', p_xid, false) loop
      if v_row.o_error is not null or v_row.o_duplicate or v_row.o_position is null then
        raise exception using errcode = 'ES005', hint = v_i::text,
          message = 'an atomic append found a stream not as expected: run it again with its checks';
      end if;
      return query select v_i, v_row.o_event_id, v_row.o_position, v_row.o_revision, v_row.o_prev_hash, v_row.o_hash,
                          v_row.o_recorded_at, false, null::text, null::text;
    end loop;
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
      -- No subtransaction and no pre-checks: a refusal is a row, and anything raised
      -- (ES005 included) fails the whole call, which the caller sends again isolated.
      if v_item->'streams' is not null then
        return query select v_i, a.*, null::text from es.append_atomic(v_item->'streams', v_xid, false) a;
      else
        return query
          select v_i, 0, c.*, null::text
            from es.append_checked(v_item->>'stream', v_item->>'expected', v_item->'events', v_xid, false) c;
      end if;
    else
      begin
        if v_item->'streams' is not null then
          return query select v_i, a.*, null::text from es.append_atomic(v_item->'streams', v_xid, true) a;
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

drop function if exists es.append_batch(jsonb, boolean);
`;

export const atomicAppendFastPath = {
  name: '0003-atomic-append-fast-path',
  async up(knex: Knex): Promise<void> {
    await knex.raw(SQL);
  },
};
