import type { Queryable } from '../../infra/db.js';

export interface AdminAccountRow {
  account_number: string;
  owner_id: string;
  type: string;
  currency: string;
  status: string;
  balance: string;
  held: string;
  opened_at: Date;
  updated_at: Date;
  position: string;
  owner_email: string | null;
  owner_first_name: string | null;
  owner_last_name: string | null;
  owner_blocked: boolean | null;
}

const ADMIN_ACCOUNT_SELECT = `select a.account_number, a.owner_id, a.type, a.currency, a.status, a.balance::text as balance, a.held::text as held,
            a.opened_at, a.updated_at, o.position::text as position,
            u.email as owner_email, u.first_name as owner_first_name, u.last_name as owner_last_name, u.blocked as owner_blocked
       from rm.admin_accounts o
       join rm.accounts a on a.account_number = o.account_number
       left join rm.admin_users u on u.user_id = o.owner_id`;

/**
 * Every customer account with its owner, newest first, keyset-paged on the
 * opening position. Filters: status, owner, currency.
 */
export async function listAdminAccounts(
  db: Queryable,
  f: { status?: string; owner_id?: string; currency?: string },
  limit: number,
  before: bigint | undefined,
): Promise<AdminAccountRow[]> {
  const params: unknown[] = [];
  const where = [`o.owner_id <> 'bank'`];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.status) add('a.status = ?', f.status);
  if (f.owner_id) add('a.owner_id = ?', f.owner_id);
  if (f.currency) add('a.currency = ?', f.currency);
  if (before !== undefined) add('o.position < ?::bigint', before.toString());
  params.push(limit + 1);
  return db.query<AdminAccountRow>(`${ADMIN_ACCOUNT_SELECT} where ${where.join(' and ')} order by o.position desc limit $${params.length}`, params);
}

/** One customer account with its owner (undefined for the bank's own accounts and unknown numbers). */
export async function findAdminAccount(db: Queryable, accountNumber: string): Promise<AdminAccountRow | undefined> {
  return (await db.query<AdminAccountRow>(`${ADMIN_ACCOUNT_SELECT} where o.owner_id <> 'bank' and o.account_number = $1`, [accountNumber]))[0];
}

export interface AdminUserRow {
  user_id: string;
  email: string;
  is_staff: boolean;
  blocked: boolean;
}

export async function findAdminUser(db: Queryable, userId: string): Promise<AdminUserRow | undefined> {
  return (await db.query<AdminUserRow>(`select user_id, email, is_staff, blocked from rm.admin_users where user_id = $1`, [userId]))[0];
}

/** Sessions of the user not yet revoked (expired ones included: revoking them costs nothing). */
export async function openSessionsOf(db: Queryable, userId: string): Promise<string[]> {
  const rows = await db.query<{ session_id: string }>(`select session_id from rm.admin_sessions where user_id = $1 and revoked is null`, [userId]);
  return rows.map((r) => r.session_id);
}

export interface AdminUserDetailRow {
  user_id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  is_staff: boolean;
  activated: boolean;
  blocked: boolean;
  date_joined: Date;
}

/** A user as staff see them, blocked flag included. */
export async function findAdminUserDetail(db: Queryable, userId: string): Promise<AdminUserDetailRow | undefined> {
  return (
    await db.query<AdminUserDetailRow>(
      `select user_id, email, first_name, last_name, is_staff, activated, blocked, date_joined from rm.admin_users where user_id = $1`,
      [userId],
    )
  )[0];
}

export interface AdminSessionRow {
  session_id: string;
  started_at: Date;
  expires_at: Date;
  revoked: string | null;
  /** Microseconds since the epoch of started_at: the list's keyset. */
  started_us: string;
}

/** A user's sessions (refresh-token families), newest first, keyset-paged on their start (microseconds). */
export type SessionStatusFilter = 'active' | 'expired' | 'revoked';

export async function sessionsOf(db: Queryable, userId: string, status: SessionStatusFilter | undefined, limit: number, before: bigint | undefined): Promise<AdminSessionRow[]> {
  const params: unknown[] = [userId];
  let where = 'user_id = $1';
  if (status === 'revoked') where += ' and revoked is not null';
  if (status === 'active') where += ' and revoked is null and expires_at > now()';
  if (status === 'expired') where += ' and revoked is null and expires_at <= now()';
  if (before !== undefined) {
    params.push(before.toString());
    where += ` and (extract(epoch from started_at) * 1000000)::bigint < $${params.length}::bigint`;
  }
  params.push(limit + 1);
  return db.query<AdminSessionRow>(
    `select session_id, started_at, expires_at, revoked, ((extract(epoch from started_at) * 1000000)::bigint)::text as started_us
       from rm.admin_sessions where ${where} order by started_at desc, session_id desc limit $${params.length}`,
    params,
  );
}
