import { randomUUID } from 'node:crypto';
import express, { type Router } from 'express';
import { deposit } from '../../commands/accounts/deposit.js';
import { accountAggregate, accountStream } from '../../commands/accounts/account-aggregate.js';
import { deterministicId } from '../../commands/shared/ids.js';
import { parseAmount } from '../../domain/money/amount.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { formatAmount } from '../../domain/money/amount.js';
import { requestContext } from '../auth/request-context.js';
import type { AppDeps } from '../deps.js';
import type { components } from '../generated/openapi.js';
import { runIdempotent } from '../idempotent.js';
import { principal, requireStaff } from '../middleware/auth-guards.js';

type Schemas = components['schemas'];

/** Staff deposits: the only way money enters the bank. */
export function adminDepositRoutes(deps: AppDeps): Router {
  const router = express.Router();

  router.post('/admin/accounts/:account_number/deposit', requireStaff, async (req, res) => {
    const accountNumber = String(req.params.account_number);
    const body = req.body as Schemas['DepositRequest'];
    const outcome = await runIdempotent(deps.idempotency, req, 'deposit', async (key) => {
      const { state } = await deps.repo.load(accountAggregate, accountStream(accountNumber));
      if (!state.exists || state.owner_id === 'bank') throw new DomainError('account_not_found', 'Account not found.', 404);
      const amount = parseAmount(body.amount, state.currency);
      const depositId = key ? deterministicId('deposit', principal(req).user_id, key) : randomUUID();
      const moved = await deposit(deps.repo, deps.store, requestContext(req), { deposit_id: depositId, account_number: accountNumber, amount });
      const response: Schemas['Deposit'] = {
        deposit_id: depositId,
        account_number: accountNumber,
        amount: formatAmount(amount, state.currency),
        currency: state.currency,
        balance_after: formatAmount(moved.receiver?.balance ?? state.balance + amount, state.currency),
        position: moved.position.toString(),
      };
      return { status: 201, body: response };
    });
    if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(outcome.status).json(outcome.body);
  });

  return router;
}
