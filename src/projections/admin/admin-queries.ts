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
  return db.query<AdminAccountRow>(
    `select a.account_number, a.owner_id, a.type, a.currency, a.status, a.balance::text as balance, a.held::text as held,
            a.opened_at, a.updated_at, o.position::text as position,
            u.email as owner_email, u.first_name as owner_first_name, u.last_name as owner_last_name, u.blocked as owner_blocked
       from rm.admin_accounts o
       join rm.accounts a on a.account_number = o.account_number
       left join rm.admin_users u on u.user_id = o.owner_id
      where ${where.join(' and ')}
      order by o.position desc limit $${params.length}`,
    params,
  );
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
