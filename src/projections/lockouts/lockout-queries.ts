import type { Queryable } from '../../infra/db.js';
import { LIVE_SCHEMA } from '../runtime/projection.js';

export interface LockRow {
  scope: 'ip' | 'pair';
  ip: string | null;
  email: string | null;
  user_id: string | null;
  failures: number;
  locked_at: string;
  locked_until: string;
  lock_position: string;
}

export interface LockFilter {
  scope?: 'ip' | 'pair';
  ip?: string;
  /** Locks in force at this instant. */
  now: Date;
  before?: bigint;
  limit: number;
}

/**
 * The IPs and (email, IP) pairs locked at `now`, newest lock first; limit+1
 * rows. A pair's email and IP are those of the attempt that counted its last
 * failure; a staff unlock of the IP after the pair was locked lifts the pair
 * (as the command side decides).
 */
export function currentLocks(db: Queryable, f: LockFilter, schema = LIVE_SCHEMA): Promise<LockRow[]> {
  const args: unknown[] = [f.now.toISOString()];
  const where = ['k.locked_until > $1::timestamptz'];
  const add = (sql: string, value: unknown) => {
    args.push(value);
    where.push(sql.replaceAll('?', `$${args.length}`));
  };
  if (f.scope !== undefined) add('k.scope = ?', f.scope);
  if (f.ip !== undefined) add('coalesce(k.ip, a.ip) = ?', f.ip);
  if (f.before !== undefined) add('k.lock_position < ?::bigint', f.before.toString());
  args.push(f.limit + 1);
  return db.query<LockRow>(
    `select k.scope, coalesce(k.ip, a.ip) as ip, case when k.scope = 'pair' then a.email end as email,
            case when k.scope = 'pair' then a.user_id end as user_id, k.failures,
            to_json(k.locked_at)#>>'{}' as locked_at, to_json(k.locked_until)#>>'{}' as locked_until, k.lock_position::text as lock_position
       from ${schema}.lockouts k
       left join ${schema}.login_events a on a.id = k.last_attempt_id
      where ${where.join(' and ')}
        and not exists (select 1 from ${schema}.lockouts i
                         where k.scope = 'pair' and i.scope = 'ip' and i.ip = a.ip and i.cleared_at >= k.locked_at)
      order by k.lock_position desc limit $${args.length}`,
    args,
  );
}
