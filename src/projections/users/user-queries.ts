import type { Queryable } from '../../infra/db.js';

export interface UserRow {
  user_id: string;
  position: string;
  email: string;
  first_name: string;
  last_name: string;
  country: string;
  is_staff: boolean;
  activated: boolean;
  blocked: boolean;
  closed: boolean;
  date_joined: Date;
}

export interface UserFilter {
  /** Only this user (a customer sees only themselves). */
  user_id?: string;
  /** Exact, normalized email. */
  email?: string;
}

/** Newest registration first; `before` continues below a position. Fetches limit+1 rows. */
export async function listUsers(db: Queryable, f: UserFilter, limit: number, before: bigint | undefined): Promise<UserRow[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.user_id !== undefined) add('user_id = ?', f.user_id);
  if (f.email !== undefined) add('email = ?', f.email);
  if (before !== undefined) add('position < ?::bigint', before.toString());
  params.push(limit + 1);
  return db.query<UserRow>(
    `select user_id, position::text as position, email, first_name, last_name, country, is_staff, activated, blocked, closed, date_joined
       from rm.users ${where.length ? `where ${where.join(' and ')}` : ''} order by position desc limit $${params.length}`,
    params,
  );
}
