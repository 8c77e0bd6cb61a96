import { randomUUID } from 'node:crypto';
import express, { type Router } from 'express';
import { unlockIp, unlockPair } from '../../commands/security/lockouts.js';
import { normalizeIp } from '../../domain/security/ip-list.js';
import { currentLocks, type LockRow } from '../../projections/lockouts/lockout-queries.js';
import { requestContext } from '../auth/request-context.js';
import type { AppDeps } from '../deps.js';
import { requireStaff } from '../middleware/auth-guards.js';
import { pageOf, pageResult } from '../pagination.js';

const view = (r: LockRow) => ({
  scope: r.scope,
  ip: r.ip,
  email: r.email,
  user_id: r.user_id,
  failures: r.failures,
  locked_at: new Date(r.locked_at).toISOString(),
  locked_until: new Date(r.locked_until).toISOString(),
});

/**
 * GET /risk/axes/locks: the IPs and (email, IP) pairs locked now; POST
 * /risk/axes/unlock-ip: staff clear an IP's lockout (and the email locks from
 * it), and POST /risk/axes/unlock-pair one email from one IP, each recorded
 * with the staff actor.
 */
export function axesRoutes(deps: AppDeps): Router {
  const router = express.Router();
  router.get('/risk/axes/locks', requireStaff, async (req, res) => {
    const page = pageOf(req);
    // The contract's enum and IP formats have refused anything else with a 400.
    const scope = typeof req.query.scope === 'string' ? (req.query.scope as 'ip' | 'pair') : undefined;
    const ip = typeof req.query.ip === 'string' && req.query.ip !== '' ? normalizeIp(req.query.ip) : undefined;
    const rows = await currentLocks(deps.db, {
      now: new Date(),
      limit: page.limit,
      ...(scope !== undefined ? { scope } : {}),
      ...(ip !== undefined ? { ip } : {}),
      ...(page.before !== undefined ? { before: page.before } : {}),
    });
    res.json(pageResult(rows, page, (r) => BigInt(r.lock_position), view));
  });
  router.post('/risk/axes/unlock-ip', requireStaff, async (req, res) => {
    const ip = normalizeIp((req.body as { ip: string }).ip);
    const { position } = await unlockIp(deps.repo, ip, requestContext(req), randomUUID());
    res.json({ detail: `Lockouts cleared for IP ${ip}.`, ip, position: position?.toString() ?? null });
  });
  router.post('/risk/axes/unlock-pair', requireStaff, async (req, res) => {
    const body = req.body as { email: string; ip: string };
    const ip = normalizeIp(body.ip);
    const email = body.email.trim().toLowerCase();
    const { position } = await unlockPair(deps.repo, email, ip, requestContext(req), randomUUID());
    res.json({ detail: `Lockout cleared for ${email} from IP ${ip}.`, email, ip, position: position?.toString() ?? null });
  });
  return router;
}
