import type { Json } from '../../domain/shared/event.js';
import { byEventType, type Projection } from '../runtime/projection.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const text = (v: Json | undefined): string | null => (typeof v === 'string' ? v : null);

/**
 * Read model `logins`: one row per AuthAttemptRecorded (sign-in, refresh,
 * logout), for GET /risk/logins. Keyed by the attempt id, so a replay or a
 * rebuild writes each attempt once. An erased user's attempts keep their
 * outcome, time and country, never the email, IP or user agent.
 */
export const loginsProjection: Projection = {
  name: 'logins',
  version: 4,
  tables: ['login_events', 'login_days'],
  async setup(tx, schema) {
    await tx.query(`
      create table ${schema}.login_events (
        id uuid primary key,
        position bigint not null,
        kind text not null,
        outcome text not null,
        successful boolean not null,
        user_id text,
        email text,
        ip text,
        country text,
        user_agent text,
        reason text,
        occurred_at timestamptz not null
      );
      create index on ${schema}.login_events (position desc);
      create index on ${schema}.login_events (user_id, position desc);
      create index on ${schema}.login_events (ip, position desc);
      -- A country, alone or with an outcome: a rare combination (failed sign-ins from one country)
      -- walked the whole position index (109k rows for none).
      create index on ${schema}.login_events (country, position desc);
      create index on ${schema}.login_events (country, successful, position desc);
      -- Their combinations' frequencies: taken as independent, a combination that never occurs was estimated
      -- at thousands of rows and walked by position.
      create statistics ${schema}.login_events_country_successful (mcv) on country, successful from ${schema}.login_events;
      create index on ${schema}.login_events (occurred_at);
      -- The lowest and highest position of each UTC day's attempts: a date filter's bounds on the position walk (login-queries.ts).
      create table ${schema}.login_days (
        day          date primary key,
        min_position bigint not null,
        max_position bigint not null
      );`);
  },
  ...byEventType({
    async AuthAttemptRecorded(tx, e, schema) {
      const d = e.data;
      const id = text(d.attempt_id) ?? '';
      const outcome = text(d.outcome) ?? 'failure';
      const at = text(d.occurred_at);
      // Never let a malformed event stop the projector.
      if (!UUID.test(id) || at === null || Number.isNaN(Date.parse(at))) return;
      await tx.query(
        `with attempt as (
           insert into ${schema}.login_events (id, position, kind, outcome, successful, user_id, email, ip, country, user_agent, reason, occurred_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) on conflict (id) do nothing
           returning position, occurred_at)
         insert into ${schema}.login_days (day, min_position, max_position)
         select (occurred_at at time zone 'UTC')::date, position, position from attempt
         on conflict (day) do update set min_position = least(${schema}.login_days.min_position, excluded.min_position),
                                         max_position = greatest(${schema}.login_days.max_position, excluded.max_position)`,
        [id, e.position.toString(), text(d.kind) ?? 'login', outcome, outcome === 'success', text(d.user_id), text(d.email),
          text(d.ip), text(d.country), text(d.user_agent), text(d.reason), at],
      );
    },
    async UserErased(tx, e, schema) {
      await tx.query(`update ${schema}.login_events set email = null, ip = null, user_agent = null where user_id = $1`, [e.stream_id.replace(/^user-/, '')]);
    },
  }),
};
