import { byEventType, type Projection } from '../runtime/projection.js';

const IP_STREAM = 'lockout-ip-';

/**
 * Read model `lockouts`: the lockout counter of each IP and (email, IP) pair,
 * one row per lockout stream, for GET /risk/axes/locks. The pair's email and
 * IP are not in its events (its stream id is a digest): the query finds them
 * through the attempt that counted its last failure (`login_events`). The
 * command side never reads this: it folds the lockout streams themselves.
 */
export const lockoutsProjection: Projection = {
  name: 'lockouts',
  version: 1,
  tables: ['lockouts'],
  async setup(tx, schema) {
    await tx.query(`
      create table ${schema}.lockouts (
        stream_id        text primary key,
        scope            text not null,
        ip               text,
        failures         integer not null,
        last_attempt_id  uuid,
        last_failure_at  timestamptz,
        locked_at        timestamptz,
        locked_until     timestamptz,
        cleared_at       timestamptz,
        lock_position    bigint
      );
      create index on ${schema}.lockouts (locked_until);
      create index on ${schema}.lockouts (ip);`);
  },
  ...byEventType({
    async LoginFailureCounted(tx, e, schema) {
      const scope = e.stream_id.startsWith(IP_STREAM) ? 'ip' : 'pair';
      const ip = scope === 'ip' ? e.stream_id.slice(IP_STREAM.length) : null;
      await tx.query(
        `insert into ${schema}.lockouts (stream_id, scope, ip, failures, last_attempt_id, last_failure_at)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (stream_id) do update set failures = excluded.failures, last_attempt_id = excluded.last_attempt_id,
           last_failure_at = excluded.last_failure_at`,
        [e.stream_id, scope, ip, e.data.failures, e.data.attempt_id, e.data.at],
      );
    },
    async LockedOut(tx, e, schema) {
      await tx.query(
        `update ${schema}.lockouts set locked_at = $2, locked_until = $3, lock_position = $4::bigint where stream_id = $1`,
        [e.stream_id, e.data.locked_at, e.data.locked_until, e.position.toString()],
      );
    },
    async LockoutCleared(tx, e, schema) {
      // As the decider's evolve: the counter starts again; a staff unlock is remembered (it lifts the pairs tried from the IP).
      await tx.query(
        `update ${schema}.lockouts set failures = 0, last_failure_at = null, locked_at = null, locked_until = null, lock_position = null,
           cleared_at = case when $2 = 'unlock' then $3::timestamptz else cleared_at end
         where stream_id = $1`,
        [e.stream_id, e.data.reason, e.data.at],
      );
    },
  }),
};
