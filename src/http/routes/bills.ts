import { randomUUID } from 'node:crypto';
import express, { type Router } from 'express';
import { payBill } from '../../commands/bills/pay-bill.js';
import { deterministicId } from '../../commands/shared/ids.js';
import { billersByName, type Biller } from '../../domain/bills/billers.js';
import type { BillPaidData } from '../../domain/bills/events.js';
import { formatAmount } from '../../domain/money/amount.js';
import { assertCurrency } from '../../domain/money/currency.js';
import { ownedBill, ownerBills, type BillRow } from '../../projections/bills/bill-queries.js';
import { requestContext } from '../auth/request-context.js';
import type { AppDeps } from '../deps.js';
import type { components } from '../generated/openapi.js';
import { runIdempotent } from '../idempotent.js';
import { principal, requireUser } from '../middleware/auth-guards.js';
import { pageOf, pageResult } from '../pagination.js';
import { notFoundProblem } from '../problem.js';

type Schemas = components['schemas'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function billerView(b: Biller): Schemas['Biller'] {
  const rule = b.amount_rule;
  return {
    id: b.id,
    name: b.name,
    category: b.category,
    description: b.description,
    currency: b.currency,
    amount_type: rule.kind,
    fixed_amount: rule.kind === 'fixed' ? formatAmount(rule.amount, b.currency) : null,
    min_amount: rule.kind === 'range' ? formatAmount(rule.min, b.currency) : null,
    max_amount: rule.kind === 'range' ? formatAmount(rule.max, b.currency) : null,
    reference_format: b.reference.description,
  };
}

/** A payment as the views need it: the read model's row without its owner. */
type BillFacts = Omit<BillRow, 'owner_id'>;

const paymentFacts = (p: BillPaidData, position: bigint, paidAt: Date): BillFacts => ({
  bill_id: p.bill_id,
  biller_id: p.biller_id,
  biller_name: p.biller_name,
  category: p.category,
  account_number: p.account_number,
  reference: p.reference,
  amount: p.amount,
  currency: p.currency,
  credit_amount: p.credit_amount,
  biller_currency: p.biller_currency,
  fx: p.fx,
  position: position.toString(),
  paid_at: paidAt.toISOString(),
});

function billView(b: BillFacts): Schemas['BillPayment'] {
  const currency = assertCurrency(b.currency);
  const billerCurrency = assertCurrency(b.biller_currency);
  return {
    id: b.bill_id,
    biller_id: b.biller_id,
    biller_name: b.biller_name,
    category: b.category,
    account_number: b.account_number,
    reference: b.reference,
    amount: formatAmount(BigInt(b.amount), currency),
    currency,
    credit_amount: formatAmount(BigInt(b.credit_amount), billerCurrency),
    biller_currency: billerCurrency,
    fx: b.fx ?? null,
    status: 'paid',
    position: b.position,
    created_at: new Date(b.paid_at).toISOString(),
  };
}


const queryText = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** Billers and bill payments (contract: openapi/bills.yaml). Someone else's account or bill is a 404. */
export function billRoutes(deps: AppDeps): Router {
  const router = express.Router();

  router.get('/billers', requireUser, (_req, res) => {
    res.json({ results: billersByName().map(billerView), next_cursor: null });
  });

  router.post('/bill', requireUser, async (req, res) => {
    const body = req.body as Schemas['PayBillRequest'];
    const userId = principal(req).user_id;
    const outcome = await runIdempotent(deps.idempotency, req, 'bill', async (key) => {
      const billId = key ? deterministicId('bill', userId, key) : randomUUID();
      const paid = await payBill(deps.repo, deps.store, requestContext(req), {
        bill_id: billId,
        owner_id: userId,
        biller_id: body.biller_id,
        account_number: body.account_number,
        amount: body.amount,
        reference: body.reference,
      });
      const response: Schemas['PaidBill'] = {
        ...billView(paymentFacts(paid.payment, paid.position, paid.paid_at)),
        balance_after: formatAmount(paid.balance_after, paid.payer.currency),
      };
      return { status: 201, body: response };
    }, { replaysFromEvents: true });
    if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
    const created = outcome.body as { id?: string };
    if (outcome.status === 201 && created.id) res.location(`/bill/${created.id}`);
    res.status(outcome.status).json(outcome.body);
  });

  router.get('/bill', requireUser, async (req, res) => {
    const page = pageOf(req);
    const rows = await ownerBills(
      deps.db,
      principal(req).user_id,
      { biller_id: queryText(req.query.biller_id), account_number: queryText(req.query.account_number) },
      page.limit,
      page.before,
    );
    res.json(pageResult(rows, page, (r) => BigInt(r.position), (r) => billView(r)));
  });

  router.get('/bill/:bill_id', requireUser, async (req, res) => {
    const id = String(req.params.bill_id);
    const row = UUID.test(id) ? await ownedBill(deps.db, id, principal(req).user_id) : undefined;
    if (!row) throw notFoundProblem('Bill payment not found.');
    res.json(billView(row));
  });

  return router;
}
