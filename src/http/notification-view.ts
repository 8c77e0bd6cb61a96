import type { NotificationRow } from '../projections/notifications/notification-queries.js';
import type { components } from './generated/openapi.js';

type Schemas = components['schemas'];

/** A notification as the API shows it (GET /notifications and the live socket's frames alike). */
export function notificationView(r: NotificationRow, readAt: string | null = r.read_at): Schemas['Notification'] {
  return {
    id: r.id,
    message: r.message,
    notification_type: r.notification_type as Schemas['NotificationType'],
    is_read: readAt !== null,
    read_at: readAt === null ? null : new Date(readAt).toISOString(),
    account_number: r.account_number,
    related_transaction: r.related_transfer_id,
    related_transfer_id: r.related_transfer_id,
    card_id: r.card_id,
    created_at: new Date(r.created_at).toISOString(),
  };
}
