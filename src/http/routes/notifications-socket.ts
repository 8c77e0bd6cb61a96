import express, { type Router } from 'express';
import { sessionStatus } from '../../commands/sessions/session-status.js';
import type { AppDeps } from '../deps.js';
import { upgradeOf } from '../live/upgrade.js';
import { principal, requireUser } from '../middleware/auth-guards.js';
import { HttpProblem } from '../problem.js';

/**
 * GET /ws/notifications: the live notifications WebSocket (contract:
 * openapi/notifications.yaml). The handshake went through authentication like
 * every request (the token of `?token=` is moved to the Authorization header
 * by `socketToken`); a plain GET is a 426.
 */
export function notificationSocketRoutes(deps: AppDeps): Router {
  const router = express.Router();

  router.get('/ws/notifications', requireUser, (req, _res) => {
    const upgrade = upgradeOf(req);
    if (!upgrade) throw new HttpProblem(426, 'upgrade_required', 'Connect with a WebSocket client.', {}, { Upgrade: 'websocket' });
    const caller = principal(req);
    const from = typeof req.query.from_position === 'string' ? BigInt(req.query.from_position) : undefined;
    // Read again once the socket is registered (strongly consistent, no cache): a logout in between closes it.
    const stillValid = async () => {
      const status = await sessionStatus(deps.repo, caller.session_id, caller.user_id);
      return status.live && status.user.credentials_version === caller.credentials_version;
    };
    upgrade((ws) => void deps.live.connect(ws, caller, from, stillValid));
  });

  return router;
}
