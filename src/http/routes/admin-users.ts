import express, { type Router } from 'express';
import { blockUser, terminateSessions, unblockUser, type UserActionResult } from '../../commands/admin/user-actions.js';
import { isSessionAware } from '../auth/create-authenticator.js';
import { requestContext } from '../auth/request-context.js';
import type { AppDeps } from '../deps.js';
import { requireStaff } from '../middleware/auth-guards.js';

const reasonOf = (body: unknown): string => {
  const r = (body as { reason?: unknown } | undefined)?.reason;
  return typeof r === 'string' ? r : '';
};

function view(r: UserActionResult, detail: string) {
  return {
    detail,
    user_id: r.user_id,
    email: r.email,
    sessions_revoked: r.sessions_revoked.length,
    incident_id: r.incident_id,
    position: r.position.toString(),
  };
}

/** Staff actions on users: block, unblock, terminate every session. Each is audited as an admin_action incident. */
export function adminUserRoutes(deps: AppDeps): Router {
  const router = express.Router();
  const forget = (sessions: string[]) => {
    if (isSessionAware(deps.authenticator)) for (const s of sessions) deps.authenticator.forgetSession(s);
  };

  router.post('/admin/users/:id/block', requireStaff, async (req, res) => {
    const r = await blockUser(deps, requestContext(req), String(req.params.id), reasonOf(req.body));
    forget(r.sessions_revoked);
    res.json(view(r, `User ${r.email} has been blocked.`));
  });

  router.post('/admin/users/:id/unblock', requireStaff, async (req, res) => {
    const r = await unblockUser(deps, requestContext(req), String(req.params.id), reasonOf(req.body));
    res.json(view(r, `User ${r.email} has been unblocked.`));
  });

  router.post('/admin/users/:id/terminate-session', requireStaff, async (req, res) => {
    const r = await terminateSessions(deps, requestContext(req), String(req.params.id), reasonOf(req.body));
    forget(r.sessions_revoked);
    res.json(view(r, `All sessions terminated for ${r.email}. ${r.sessions_revoked.length} session(s) revoked.`));
  });

  return router;
}
