import express, { type Router } from 'express';
import { notificationsPage, ownedNotification } from '../../projections/notifications/notification-queries.js';
import { markNotificationRead } from '../../commands/notifications/mark-notification-read.js';
import { requestContext } from '../auth/request-context.js';
import type { AppDeps } from '../deps.js';
import { notificationView } from '../notification-view.js';
import { principal, requireUser } from '../middleware/auth-guards.js';
import { pageOf, pageResult } from '../pagination.js';
import { notFoundProblem } from '../problem.js';

/** Notifications (contract: openapi/notifications.yaml). Someone else's notification is a 404. */
export function notificationRoutes(deps: AppDeps): Router {
  const router = express.Router();

  router.get('/notifications', requireUser, async (req, res) => {
    const page = pageOf(req);
    const type = typeof req.query.type === 'string' ? req.query.type : undefined;
    const rows = await notificationsPage(deps.db, principal(req).user_id, {
      unreadOnly: String(req.query.unread_only ?? 'false').toLowerCase() === 'true',
      limit: page.limit,
      ...(type ? { type } : {}),
      ...(page.before !== undefined ? { before: page.before } : {}),
    });
    res.json(pageResult(rows, page, (r) => BigInt(r.position), (r) => notificationView(r)));
  });

  router.post('/notifications/:notification_id/read', requireUser, async (req, res) => {
    const userId = principal(req).user_id;
    const row = await ownedNotification(deps.db, userId, req.params.notification_id as string);
    if (!row) throw notFoundProblem('Notification not found.');
    const appended = await markNotificationRead(deps.store, requestContext(req), userId, row.id);
    // The read model applies the event shortly; answer with the state it is about to have.
    const readAt = row.read_at ?? appended.events[0]?.recorded_at.toISOString() ?? new Date().toISOString();
    res.json({ ...notificationView(row, readAt), position: appended.position.toString() });
  });

  return router;
}
