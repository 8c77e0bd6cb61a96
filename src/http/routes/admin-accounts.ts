import express, { type Router } from 'express';
import { setAccountFrozen } from '../../commands/admin/account-actions.js';
import { formatAmount } from '../../domain/money/amount.js';
import { assertCurrency } from '../../domain/money/currency.js';
import { listAdminAccounts, type AdminAccountRow } from '../../projections/admin/admin-queries.js';
import { requestContext } from '../auth/request-context.js';
import type { AppDeps } from '../deps.js';
import type { components } from '../generated/openapi.js';
import { requireStaff } from '../middleware/auth-guards.js';
import { pageOf, pageResult } from '../pagination.js';

/** The contract's AdminAccount of a row. */
export function adminAccountView(r: AdminAccountRow): components['schemas']['AdminAccount'] {
  const currency = assertCurrency(r.currency);
  return {
    account_number: r.account_number,
    type: r.type,
    currency,
    status: r.status as components['schemas']['AdminAccount']['status'],
    is_active: r.status === 'active',
    balance: formatAmount(BigInt(r.balance), currency),
    available_balance: formatAmount(BigInt(r.balance) - BigInt(r.held), currency),
    created_at: new Date(r.opened_at).toISOString(),
    updated_at: new Date(r.updated_at).toISOString(),
    owner: {
      id: r.owner_id,
      email: r.owner_email,
      first_name: r.owner_first_name ?? '',
      last_name: r.owner_last_name ?? '',
      is_blocked: r.owner_blocked === true,
    },
  };
}

const q = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const reasonOf = (body: unknown): string => {
  const r = (body as { reason?: unknown } | undefined)?.reason;
  return typeof r === 'string' ? r : '';
};

/** Staff view of every customer account (owner nested, newest first, cursor pages) and freeze/unfreeze. */
export function adminAccountRoutes(deps: AppDeps): Router {
  const router = express.Router();

  router.get('/admin/accounts', requireStaff, async (req, res) => {
    const page = pageOf(req);
    const rows = await listAdminAccounts(deps.db, { status: q(req.query.status), owner_id: q(req.query.owner), currency: q(req.query.currency) }, page.limit, page.before);
    res.json(pageResult(rows, page, (r) => BigInt(r.position), adminAccountView));
  });

  for (const [path, frozen] of [['freeze', true], ['unfreeze', false]] as const) {
    router.post(`/admin/accounts/:account_number/${path}`, requireStaff, async (req, res) => {
      const n = String(req.params.account_number);
      const r = await setAccountFrozen(deps, requestContext(req), n, frozen, reasonOf(req.body));
      res.json({
        detail: `Account ${n} has been ${frozen ? 'frozen' : 'unfrozen'}.`,
        account_number: n,
        status: r.account.status,
        incident_id: r.incident_id,
        position: r.position.toString(),
      });
    });
  }

  return router;
}
