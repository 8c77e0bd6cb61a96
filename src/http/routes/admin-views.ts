import express, { type Router } from 'express';
import { assertCurrency } from '../../domain/money/currency.js';
import { statementEntries } from '../../projections/accounts/queries.js';
import { findAdminAccount, findAdminUserDetail, sessionsOf, type AdminSessionRow, type SessionStatusFilter } from '../../projections/admin/admin-queries.js';
import type { AppDeps } from '../deps.js';
import type { components } from '../generated/openapi.js';
import { requireStaff } from '../middleware/auth-guards.js';
import { pageOf, pageResult } from '../pagination.js';
import { notFoundProblem } from '../problem.js';
import { entryView } from './accounts.js';
import { adminAccountView } from './admin-accounts.js';

type Schemas = components['schemas'];

function sessionView(r: AdminSessionRow, now: number): Schemas['AdminSession'] {
  const expires = new Date(r.expires_at);
  return {
    session_id: r.session_id,
    started_at: new Date(r.started_at).toISOString(),
    expires_at: expires.toISOString(),
    status: r.revoked !== null ? 'revoked' : expires.getTime() <= now ? 'expired' : 'active',
    revoked_reason: r.revoked as Schemas['AdminSession']['revoked_reason'],
  };
}

/**
 * What the staff console reads about one user or one account (contract:
 * openapi/admin.yaml): the user with the blocked flag, their sessions, and any
 * customer account with its statement (holds included).
 */
export function adminViewRoutes(deps: AppDeps): Router {
  const router = express.Router();

  router.get('/admin/users/:id', requireStaff, async (req, res) => {
    const u = await findAdminUserDetail(deps.db, String(req.params.id));
    if (!u) throw notFoundProblem('User not found.');
    res.json({
      id: u.user_id,
      email: u.email,
      first_name: u.first_name ?? '',
      last_name: u.last_name ?? '',
      is_staff: u.is_staff,
      is_active: u.activated && !u.blocked,
      is_blocked: u.blocked,
      date_joined: new Date(u.date_joined).toISOString(),
    } satisfies Schemas['AdminUser']);
  });

  router.get('/admin/users/:id/sessions', requireStaff, async (req, res) => {
    const id = String(req.params.id);
    const page = pageOf(req);
    if (!(await findAdminUserDetail(deps.db, id))) throw notFoundProblem('User not found.');
    const status = typeof req.query.status === 'string' && req.query.status !== '' ? (req.query.status as SessionStatusFilter) : undefined;
    const rows = await sessionsOf(deps.db, id, status, page.limit, page.before);
    const now = Date.now();
    res.json(pageResult(rows, page, (r) => BigInt(r.started_us), (r) => sessionView(r, now)) satisfies Schemas['AdminSessionPage']);
  });

  router.get('/admin/accounts/:account_number', requireStaff, async (req, res) => {
    const row = await findAdminAccount(deps.db, String(req.params.account_number));
    if (!row) throw notFoundProblem('Account not found.');
    res.json(adminAccountView(row) satisfies Schemas['AdminAccount']);
  });

  router.get('/admin/accounts/:account_number/transactions', requireStaff, async (req, res) => {
    const row = await findAdminAccount(deps.db, String(req.params.account_number));
    if (!row) throw notFoundProblem('Account not found.');
    const page = pageOf(req);
    const currency = assertCurrency(row.currency);
    const rows = await statementEntries(deps.db, row.account_number, page.limit, page.before);
    res.json({
      account: adminAccountView(row),
      ...pageResult(rows, page, (e) => BigInt(e.position), (e) => entryView(e, currency)),
    } satisfies Schemas['AdminStatement']);
  });

  return router;
}
