import type { RecordedEvent } from '../../eventstore/port.js';
import type { Queryable } from '../../infra/db.js';
import { ERASED } from '../../privacy/sealed-value.js';
import { byEventType, type Projection } from '../runtime/projection.js';

const userOf = (e: RecordedEvent) => e.stream_id.replace(/^user-/, '');

async function setUser(tx: Queryable, schema: string, e: RecordedEvent, column: 'activated' | 'blocked', value: boolean): Promise<void> {
  await tx.query(`update ${schema}.admin_users set ${column} = $2, updated_at = $3 where user_id = $1`, [userOf(e), value, e.metadata.occurred_at]);
}

/**
 * What staff tools list: users (email, staff flag, activated, blocked; email
 * and names blanked when the user is erased), for the
 * owners nested in the admin account list; and every session (refresh-token
 * family) with its user, so terminate-session can find the ones to revoke;
 * and the opening position of every account, the key of the admin account list.
 */
export const adminProjection: Projection = {
  name: 'admin',
  version: 2,
  tables: ['admin_users', 'admin_sessions', 'admin_accounts'],
  async setup(tx, schema) {
    await tx.query(`
      create table ${schema}.admin_users (
        user_id     text primary key,
        email       text not null,
        first_name  text not null default '',
        last_name   text not null default '',
        is_staff    boolean not null,
        activated   boolean not null default false,
        blocked     boolean not null default false,
        date_joined timestamptz not null,
        updated_at  timestamptz not null
      );
      create table ${schema}.admin_sessions (
        session_id  text primary key,
        user_id     text not null,
        started_at  timestamptz not null,
        expires_at  timestamptz not null,
        revoked     text
      );
      create index on ${schema}.admin_sessions (user_id) where revoked is null;
      create table ${schema}.admin_accounts (
        account_number text primary key,
        owner_id       text not null,
        position       bigint not null
      );
      create index on ${schema}.admin_accounts (position desc);`);
  },
  ...byEventType({
    async UserRegistered(tx, e, schema) {
      const d = e.data;
      await tx.query(
        `insert into ${schema}.admin_users (user_id, email, first_name, last_name, is_staff, date_joined, updated_at)
         values ($1, $2, $3, $4, $5, $6, $6) on conflict (user_id) do nothing`,
        [d.user_id, d.email, d.first_name ?? '', d.last_name ?? '', d.is_staff === true, d.registered_at],
      );
    },
    UserActivated: (tx, e, schema) => setUser(tx, schema, e, 'activated', true),
    UserBlocked: (tx, e, schema) => setUser(tx, schema, e, 'blocked', true),
    UserUnblocked: (tx, e, schema) => setUser(tx, schema, e, 'blocked', false),
    async ProfileUpdated(tx, e, schema) {
      const d = e.data;
      await tx.query(`update ${schema}.admin_users set first_name = $2, last_name = $3, updated_at = $4 where user_id = $1`, [
        userOf(e), d.first_name, d.last_name, e.metadata.occurred_at,
      ]);
    },
    async EmailChanged(tx, e, schema) {
      await tx.query(`update ${schema}.admin_users set email = $2, updated_at = $3 where user_id = $1`, [userOf(e), e.data.email, e.metadata.occurred_at]);
    },
    async UserErased(tx, e, schema) {
      await tx.query(`update ${schema}.admin_users set email = $2, first_name = '', last_name = '', updated_at = $3 where user_id = $1`, [
        userOf(e), ERASED, e.metadata.occurred_at,
      ]);
    },
    async AccountOpened(tx, e, schema) {
      const d = e.data;
      await tx.query(`insert into ${schema}.admin_accounts (account_number, owner_id, position) values ($1, $2, $3::bigint) on conflict do nothing`, [
        d.account_number, d.owner_id, e.position.toString(),
      ]);
    },
    async SessionStarted(tx, e, schema) {
      const d = e.data;
      await tx.query(
        `insert into ${schema}.admin_sessions (session_id, user_id, started_at, expires_at) values ($1, $2, $3, $4) on conflict (session_id) do nothing`,
        [d.session_id, d.user_id, d.started_at, d.expires_at],
      );
    },
    async RefreshTokenRotated(tx, e, schema) {
      await tx.query(`update ${schema}.admin_sessions set expires_at = $2 where session_id = $1`, [e.stream_id.replace(/^session-/, ''), e.data.expires_at]);
    },
    async SessionRevoked(tx, e, schema) {
      await tx.query(`update ${schema}.admin_sessions set revoked = $2 where session_id = $1`, [e.stream_id.replace(/^session-/, ''), e.data.reason]);
    },
  }),
};
