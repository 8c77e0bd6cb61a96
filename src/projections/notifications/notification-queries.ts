import type { Queryable } from '../../infra/db.js';
import { LIVE_SCHEMA } from '../runtime/projection.js';

export interface NotificationRow {
  id: string;
  notification_type: string;
  message: string;
  account_number: string | null;
  related_transfer_id: string | null;
  card_id: string | null;
  created_at: string;
  read_at: string | null;
  position: string;
}

export interface NotificationFilter {
  unreadOnly: boolean;
  type?: string;
  /** Rows below this position (one notification per event and user, so the position is a unique key per user). */
  before?: bigint;
  limit: number;
}

// Output names shadow columns in ORDER BY: sort and compare on the qualified n.position, never the text alias.
const COLUMNS = `id::text as id, notification_type, message, account_number, related_transfer_id, card_id,
  to_json(created_at)#>>'{}' as created_at, to_json(read_at)#>>'{}' as read_at, position::text as position`;

/** The user's notifications, newest first; fetches limit+1 rows so the caller knows whether more follow. */
export function notificationsPage(
  db: Queryable,
  userId: string,
  filter: NotificationFilter,
  schema = LIVE_SCHEMA,
): Promise<NotificationRow[]> {
  const params: unknown[] = [userId];
  const where = ['user_id = $1'];
  if (filter.unreadOnly) where.push('read_at is null');
  if (filter.type) {
    params.push(filter.type);
    where.push(`notification_type = $${params.length}`);
  }
  if (filter.before !== undefined) {
    params.push(filter.before.toString());
    where.push(`n.position < $${params.length}::bigint`);
  }
  params.push(filter.limit + 1);
  return db.query<NotificationRow>(
    `select ${COLUMNS} from ${schema}.notifications n where ${where.join(' and ')}
     order by n.position desc, n.id desc limit $${params.length}`,
    params,
  );
}

/** One notification, only when it is `userId`'s. */
export async function ownedNotification(db: Queryable, userId: string, id: string, schema = LIVE_SCHEMA): Promise<NotificationRow | undefined> {
  const rows = await db.query<NotificationRow>(`select ${COLUMNS} from ${schema}.notifications where id = $1 and user_id = $2`, [id, userId]);
  return rows[0];
}
