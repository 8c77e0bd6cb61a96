import type { DomainEvent } from '../shared/event.js';

/**
 * A customer marked one of their notifications read (stream
 * `notifications-<user_id>`). The notifications read model folds it into
 * `read_at`; nothing else about a notification is an event.
 */
export type NotificationEvent = DomainEvent<'NotificationRead', { notification_id: string }>;

export const notificationStream = (userId: string): string => `notifications-${userId}`;
