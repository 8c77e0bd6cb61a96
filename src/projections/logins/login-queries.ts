import type { Queryable } from '../../infra/db.js';
import { dayPositionBounds } from '../day-position-bounds.js';
import { LIVE_SCHEMA } from '../runtime/projection.js';

export interface LoginEventRow {
  id: string;
  position: string;
  kind: string;
  outcome: string;
  successful: boolean;
  user_id: string | null;
  email: string | null;
  ip: string | null;
  country: string | null;
  user_agent: string | null;
  reason: string | null;
  occurred_at: string;
}

export interface LoginFilter {
  user_id?: string;
  ip?: string;
  country?: string;
  successful?: boolean;
  kind?: string;
  /** Inclusive lower bound (ISO instant). */
  from?: string;
  /** Exclusive upper bound (ISO instant). */
  to?: string;
  before?: bigint;
  limit: number;
}

// Compare and sort on the qualified bigint column, never on its text alias.
const COLUMNS = `l.id::text as id, l.position::text as position, l.kind, l.outcome, l.successful, l.user_id, l.email, l.ip, l.country,
  l.user_agent, l.reason, to_json(l.occurred_at)#>>'{}' as occurred_at`;

/** Login events newest first, filtered; limit+1 rows so the caller knows whether more follow. */
export function loginEventsPage(db: Queryable, f: LoginFilter, schema = LIVE_SCHEMA): Promise<LoginEventRow[]> {
  const where: string[] = [];
  const args: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    args.push(value);
    where.push(sql.replace('?', `$${args.length}`));
    return `$${args.length}`;
  };
  if (f.user_id !== undefined) add('l.user_id = ?', f.user_id);
  if (f.ip !== undefined) add('l.ip = ?', f.ip);
  if (f.country !== undefined) add('l.country = ?', f.country.toUpperCase());
  if (f.successful !== undefined) add('l.successful = ?', f.successful);
  if (f.kind !== undefined) add('l.kind = ?', f.kind);
  const from = f.from === undefined ? undefined : add('l.occurred_at >= ?::timestamptz', f.from);
  const to = f.to === undefined ? undefined : add('l.occurred_at < ?::timestamptz', f.to);
  // A date range also bounds the walk of the position index by its days' positions (a week 100 days back filtered 28k newer rows of 110k).
  if (from !== undefined || to !== undefined) where.push(dayPositionBounds('l.position', `${schema}.login_days`, from, to));
  if (f.before !== undefined) add('l.position < ?', f.before.toString());
  args.push(f.limit + 1);
  return db.query<LoginEventRow>(
    `select ${COLUMNS} from ${schema}.login_events l ${where.length ? `where ${where.join(' and ')}` : ''}
     order by l.position desc limit $${args.length}`,
    args,
  );
}
