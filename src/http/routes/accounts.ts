import express, { type Router } from 'express';
import { openAccount } from '../../commands/accounts/open-account.js';
import type { AccountType } from '../../domain/accounts/events.js';
import type { AccountState } from '../../domain/accounts/state.js';
import { formatAmount } from '../../domain/money/amount.js';
import { assertCurrency, type Currency } from '../../domain/money/currency.js';
import { perTransferLimit } from '../../domain/money/limits.js';
import { findAccount, listAccounts, statementEntries, type AccountRow, type EntryRow } from '../../projections/accounts/queries.js';
import { requestContext } from '../auth/request-context.js';
import type { AppDeps } from '../deps.js';
import type { components } from '../generated/openapi.js';
import { principal, requireUser } from '../middleware/auth-guards.js';
import { pageOf, pageResult } from '../pagination.js';
import { notFoundProblem } from '../problem.js';

type Schemas = components['schemas'];

const mask = (n: string) => `${'*'.repeat(n.length - 4)}${n.slice(-4)}`;

interface AccountFacts {
  account_number: string;
  type: string;
  currency: Currency;
  status: string;
  balance: bigint;
  held: bigint;
  created_at: string;
  updated_at: string;
}

export function accountView(a: AccountFacts): Schemas['Account'] {
  return {
    account_number: a.account_number,
    mask: mask(a.account_number),
    type: a.type as Schemas['Account']['type'],
    currency: a.currency,
    balance: formatAmount(a.balance, a.currency),
    available_balance: formatAmount(a.balance - a.held, a.currency),
    status: a.status as Schemas['Account']['status'],
    is_active: a.status === 'active',
    maximum_withdrawal_amount: formatAmount(perTransferLimit(a.currency), a.currency),
    created_at: a.created_at,
    updated_at: a.updated_at,
  };
}

export const rowFacts = (r: AccountRow): AccountFacts => ({
  account_number: r.account_number,
  type: r.type,
  currency: assertCurrency(r.currency),
  status: r.status,
  balance: BigInt(r.balance),
  held: BigInt(r.held),
  created_at: new Date(r.opened_at).toISOString(),
  updated_at: new Date(r.updated_at).toISOString(),
});

export function entryView(e: EntryRow, currency: Currency): Schemas['StatementEntry'] {
  return {
    id: e.event_id,
    transfer_id: e.transfer_id,
    kind: e.kind as Schemas['StatementEntry']['kind'],
    direction: e.direction as Schemas['StatementEntry']['direction'],
    amount: formatAmount(BigInt(e.amount), currency),
    fee: formatAmount(BigInt(e.fee), currency),
    balance_after: formatAmount(BigInt(e.balance_after), currency),
    counterparty_account: e.counterparty_account,
    fx: e.fx ?? null,
    position: e.position,
    occurred_at: new Date(e.occurred_at).toISOString(),
  };
}

/** The caller's account from the read model, or 404 (someone else's looks the same as none). */
export async function ownAccount(deps: AppDeps, userId: string, accountNumber: string): Promise<AccountRow> {
  const row = await findAccount(deps.db, accountNumber);
  if (!row || row.owner_id !== userId) throw notFoundProblem('Account not found.');
  return row;
}

export function accountRoutes(deps: AppDeps): Router {
  const router = express.Router();

  router.get('/accounts', requireUser, async (req, res) => {
    const rows = await listAccounts(deps.db, principal(req).user_id, {
      type: typeof req.query.type === 'string' ? req.query.type : undefined,
      ordering: typeof req.query.ordering === 'string' ? req.query.ordering : undefined,
    });
    // Every account of the caller, in one page.
    res.json({ results: rows.map((r) => accountView(rowFacts(r))), next_cursor: null });
  });

  router.post('/accounts', requireUser, async (req, res) => {
    const body = req.body as Schemas['OpenAccountRequest'];
    const ctx = requestContext(req);
    const opened = await openAccount(deps.repo, ctx, {
      owner_id: principal(req).user_id,
      type: (body.type ?? 'Basic') as AccountType,
      currency: (body.currency ?? 'JOD') as Currency,
    });
    const s: AccountState = opened.state;
    const at = ctx.now.toISOString();
    res.status(201).json({
      ...accountView({ account_number: s.account_number, type: s.type, currency: s.currency, status: s.status, balance: s.balance, held: 0n, created_at: at, updated_at: at }),
      position: opened.position.toString(),
    });
  });

  router.get('/accounts/:account_number', requireUser, async (req, res) => {
    const row = await ownAccount(deps, principal(req).user_id, String(req.params.account_number));
    res.json(accountView(rowFacts(row)));
  });

  router.get('/accounts/:account_number/transactions', requireUser, async (req, res) => {
    const row = await ownAccount(deps, principal(req).user_id, String(req.params.account_number));
    const page = pageOf(req);
    const currency = assertCurrency(row.currency);
    const rows = await statementEntries(deps.db, row.account_number, page.limit, page.before);
    res.json({
      account: accountView(rowFacts(row)),
      ...pageResult(rows, page, (e) => BigInt(e.position), (e) => entryView(e, currency)),
    });
  });

  return router;
}
