import { randomUUID } from 'node:crypto';
import express, { type Router } from 'express';
import { unlockIp } from '../../commands/security/lockouts.js';
import { normalizeIp } from '../../domain/security/ip-list.js';
import { requestContext } from '../auth/request-context.js';
import type { AppDeps } from '../deps.js';
import { requireStaff } from '../middleware/auth-guards.js';

/** POST /risk/axes/unlock-ip: staff clear an IP's lockout (and the email locks from it); recorded with the staff actor. */
export function axesRoutes(deps: AppDeps): Router {
  const router = express.Router();
  router.post('/risk/axes/unlock-ip', requireStaff, async (req, res) => {
    const ip = normalizeIp((req.body as { ip: string }).ip);
    const { position } = await unlockIp(deps.repo, ip, requestContext(req), randomUUID());
    res.json({ detail: `Lockouts cleared for IP ${ip}.`, ip, position: position?.toString() ?? null });
  });
  return router;
}
