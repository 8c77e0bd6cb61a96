import express, { type Router } from 'express';
import { loadAccountFacts } from '../../commands/cards/account-facts.js';
import type { CardDeps } from '../../commands/cards/card-deps.js';
import { cardNumberKey } from '../../commands/cards/card-numbers.js';
import { cancelCard } from '../../commands/cards/cancel-card.js';
import { issueCard } from '../../commands/cards/issue-card.js';
import { updateCard } from '../../commands/cards/update-card.js';
import { expirationDate } from '../../domain/cards/expiry.js';
import type { CardType } from '../../domain/cards/events.js';
import { maskedPan } from '../../domain/cards/pan.js';
import type { CardState } from '../../domain/cards/state.js';
import { assertCurrency } from '../../domain/money/currency.js';
import { formatAmount } from '../../domain/money/amount.js';
import { cardsOfAccount, ownedCard, type CardRow } from '../../projections/cards/card-queries.js';
import { requestContext } from '../auth/request-context.js';
import type { AppDeps } from '../deps.js';
import type { components } from '../generated/openapi.js';
import { principal, requireUser } from '../middleware/auth-guards.js';
import { notFoundProblem } from '../problem.js';

type Schemas = components['schemas'];

/** A card as the API shows it: never the number, only its last four digits. */
function cardView(c: Omit<CardState, 'exists'>): Schemas['Card'] {
  return {
    id: c.card_id,
    account_number: c.account_number,
    card_type: c.card_type,
    brand: c.brand,
    last4: c.last4,
    masked_number: maskedPan(c.last4),
    is_active: c.status === 'active',
    status: c.status,
    expiry_month: c.expiry.month,
    expiry_year: c.expiry.year,
    expiration_date: expirationDate(c.expiry),
    currency: c.currency,
    daily_limit: formatAmount(c.daily_limit, c.currency),
    monthly_limit: formatAmount(c.monthly_limit, c.currency),
    created_at: new Date(c.issued_at).toISOString(),
  };
}

const rowState = (r: CardRow): Omit<CardState, 'exists'> => ({
  card_id: r.card_id,
  account_number: r.account_number,
  owner_id: r.owner_id,
  card_type: r.card_type as CardType,
  brand: r.brand,
  last4: r.last4,
  status: r.status === 'blocked' || r.status === 'cancelled' ? r.status : 'active',
  expiry: { year: Number(r.expiry_year), month: Number(r.expiry_month) },
  currency: assertCurrency(r.currency),
  daily_limit: BigInt(r.daily_limit),
  monthly_limit: BigInt(r.monthly_limit),
  issued_at: r.created_at,
});

const limitsFrom = (body: { daily_limit?: string | undefined; monthly_limit?: string | undefined }) => ({
  ...(body.daily_limit !== undefined ? { daily_limit: body.daily_limit } : {}),
  ...(body.monthly_limit !== undefined ? { monthly_limit: body.monthly_limit } : {}),
});

/** Cards (contract: openapi/cards.yaml). Someone else's account or card is a 404, like a missing one. */
export function cardRoutes(deps: AppDeps): Router {
  const cardDeps: CardDeps & { store: AppDeps['store'] } = { repo: deps.repo, store: deps.store, panKey: cardNumberKey(deps.config.jwtSecret) };
  const router = express.Router();

  router.get('/accounts/:account_number/cards', requireUser, async (req, res) => {
    const n = req.params.account_number as string;
    // Ownership from the account's own stream: a just-opened account is known at once.
    const account = await loadAccountFacts(deps.repo, n);
    if (!account.exists || account.owner_id !== principal(req).user_id) throw notFoundProblem('Account not found.');
    const rows = await cardsOfAccount(deps.db, n);
    res.json({ results: rows.map((r) => cardView(rowState(r))), next_cursor: null });
  });

  router.post('/accounts/:account_number/cards', requireUser, async (req, res) => {
    const n = req.params.account_number as string;
    const body = req.body as Schemas['IssueCardRequest'];
    const caller = principal(req).user_id;
    const issued = await issueCard(cardDeps, requestContext(req), {
      caller_id: caller,
      account_number: n,
      card_type: body.card_type ?? 'DEBIT',
      ...limitsFrom(body),
    });
    res.status(201).location(`/cards/${issued.state.card_id}`).json({ ...cardView(issued.state), position: issued.position.toString() });
  });

  router.get('/cards/:card_id', requireUser, async (req, res) => {
    const row = await ownedCard(deps.db, req.params.card_id as string, principal(req).user_id);
    if (!row) throw notFoundProblem('Card not found.');
    res.json(cardView(rowState(row)));
  });

  router.patch('/cards/:card_id', requireUser, async (req, res) => {
    const body = req.body as Schemas['UpdateCardRequest'];
    const caller = principal(req).user_id;
    const updated = await updateCard(cardDeps, requestContext(req), {
      caller_id: caller,
      card_id: req.params.card_id as string,
      ...(body.is_active !== undefined ? { is_active: body.is_active } : {}),
      ...limitsFrom(body),
    });
    res.json({ ...cardView(updated.state), position: updated.position.toString() });
  });

  router.delete('/cards/:card_id', requireUser, async (req, res) => {
    await cancelCard(cardDeps, requestContext(req), { caller_id: principal(req).user_id, card_id: req.params.card_id as string, reason: 'owner_request' });
    res.status(204).end();
  });

  return router;
}
