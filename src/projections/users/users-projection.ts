import type { RecordedEvent } from '../../eventstore/port.js';
import type { Queryable } from '../../infra/db.js';
import { byEventType, type Projection } from '../runtime/projection.js';

const userOf = (e: RecordedEvent) => e.stream_id.replace(/^user-/, '');

async function set(tx: Queryable, schema: string, e: RecordedEvent, assignments: string, values: unknown[]): Promise<void> {
  await tx.query(`update ${schema}.users set ${assignments}, updated_at = $2 where user_id = $1`, [userOf(e), e.metadata.occurred_at, ...values]);
}

/**
 * Read model `users`: the user directory behind GET /auth/users (djoser's
 * list), keyed for cursor pages by the position of each user's registration.
 * The email is the current one (EmailChanged follows) in its normalized form,
 * so the email filter is an exact match. An erased user's row is deleted:
 * their personal data must not outlive the key erasure here.
 */
export const usersProjection: Projection = {
  name: 'users',
  version: 1,
  tables: ['users'],
  async setup(tx, schema) {
    await tx.query(`
      create table ${schema}.users (
        user_id     text primary key,
        position    bigint not null unique,
        email       text not null,
        first_name  text not null default '',
        last_name   text not null default '',
        country     text not null default '',
        is_staff    boolean not null,
        activated   boolean not null default false,
        blocked     boolean not null default false,
        closed      boolean not null default false,
        date_joined timestamptz not null,
        updated_at  timestamptz not null
      );
      create index on ${schema}.users (email);`);
  },
  ...byEventType({
    async UserRegistered(tx, e, schema) {
      const d = e.data;
      await tx.query(
        `insert into ${schema}.users (user_id, position, email, first_name, last_name, country, is_staff, date_joined, updated_at)
         values ($1, $2::bigint, $3, $4, $5, $6, $7, $8, $8) on conflict (user_id) do nothing`,
        [d.user_id, e.position.toString(), d.email, d.first_name ?? '', d.last_name ?? '', d.country ?? '', d.is_staff === true, d.registered_at],
      );
    },
    UserActivated: (tx, e, schema) => set(tx, schema, e, 'activated = true', []),
    UserBlocked: (tx, e, schema) => set(tx, schema, e, 'blocked = true', []),
    UserUnblocked: (tx, e, schema) => set(tx, schema, e, 'blocked = false', []),
    CustomerClosed: (tx, e, schema) => set(tx, schema, e, 'closed = true', []),
    ProfileUpdated(tx, e, schema) {
      const d = e.data;
      return set(tx, schema, e, 'first_name = $3, last_name = $4, country = $5', [d.first_name, d.last_name, d.country]);
    },
    EmailChanged: (tx, e, schema) => set(tx, schema, e, 'email = $3', [e.data.email]),
    async UserErased(tx, e, schema) {
      await tx.query(`delete from ${schema}.users where user_id = $1`, [userOf(e)]);
    },
  }),
};
