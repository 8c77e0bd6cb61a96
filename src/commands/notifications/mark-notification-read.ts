import { toNewEvent } from '../shared/new-event.js';
import type { CommandContext } from '../shared/command-context.js';
import { deterministicId } from '../shared/ids.js';
import type { AppendResult, EventStore } from '../../eventstore/port.js';
import { notificationStream, type NotificationEvent } from '../../domain/notifications/events.js';

/**
 * Marking a notification read is an event, NotificationRead {notification_id},
 * in the user's stream `notifications-<user_id>`, which the notifications projection folds
 * into `read_at`. Chosen over a side table outside the read model because:
 * the read flag then survives a rebuild from position 0 with no second source
 * of truth to join, the projection stays the only writer of its tables, and
 * the auditor sees when a user acknowledged a notice (e.g. a card block).
 * There is no invariant to protect beyond ownership (checked against the read
 * model, the only place notifications exist), so no aggregate is loaded: the
 * event id derives from the notification id and the append is idempotent.
 */
export async function markNotificationRead(store: EventStore, ctx: CommandContext, userId: string, notificationId: string): Promise<AppendResult> {
  const event: NotificationEvent = { type: 'NotificationRead', data: { notification_id: notificationId } };
  return store.append(notificationStream(userId), [toNewEvent(event, deterministicId('notification-read', notificationId), ctx)], 'any');
}
