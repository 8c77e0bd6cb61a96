import express, { type Request, type Router } from 'express';
import { loginEventsPage, type LoginEventRow } from '../../projections/logins/login-queries.js';
import type { AppDeps } from '../deps.js';
import { requireStaff } from '../middleware/auth-guards.js';
import { pageOf, pageResult } from '../pagination.js';
import { HttpProblem } from '../problem.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** `from`/`to`: a date (whole UTC day, `to` inclusive) or an instant; anything else is a 400. */
function bound(req: Request, name: 'from' | 'to'): string | undefined {
  const raw = req.query[name];
  if (raw === undefined || raw === '') return undefined;
  const value = typeof raw === 'string' ? raw : '';
  const time = Date.parse(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(time) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw new HttpProblem(400, 'validation_error', `${name} must be a date (YYYY-MM-DD) or an ISO 8601 date-time.`);
  }
  const end = name === 'to' && DATE_ONLY.test(value) ? time + 86_400_000 : time;
  return new Date(end).toISOString();
}

const str = (req: Request, name: string): string | undefined => {
  const v = req.query[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

function view(r: LoginEventRow) {
  return {
    id: r.id,
    kind: r.kind,
    outcome: r.outcome,
    successful: r.successful,
    user_id: r.user_id,
    attempted_email: r.email,
    ip: r.ip,
    country: r.country,
    user_agent: r.user_agent,
    failure_reason: r.reason,
    timestamp: new Date(r.occurred_at).toISOString(),
  };
}

/** GET /risk/logins: every sign-in, refresh and logout attempt, newest first (staff; contract: openapi/security.yaml). */
export function riskLoginRoutes(deps: AppDeps): Router {
  const router = express.Router();
  router.get('/risk/logins', requireStaff, async (req, res) => {
    const page = pageOf(req);
    const success = str(req, 'success');
    const from = bound(req, 'from');
    const to = bound(req, 'to');
    const filter = {
      limit: page.limit,
      ...(page.before !== undefined ? { before: page.before } : {}),
      ...(str(req, 'user_id') ? { user_id: str(req, 'user_id')! } : {}),
      ...(str(req, 'ip') ? { ip: str(req, 'ip')! } : {}),
      ...(str(req, 'country') ? { country: str(req, 'country')! } : {}),
      ...(str(req, 'kind') ? { kind: str(req, 'kind')! } : {}),
      ...(success !== undefined ? { successful: success.toLowerCase() === 'true' } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    };
    const rows = await loginEventsPage(deps.db, filter);
    res.json(pageResult(rows, page, (r) => BigInt(r.position), view));
  });
  return router;
}
