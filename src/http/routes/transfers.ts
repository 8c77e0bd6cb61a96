import { randomUUID } from 'node:crypto';
import express, { type Request, type Router } from 'express';
import { confirmTransfer } from '../../commands/transfers/confirm-transfer.js';
import { makeTransfer, type SendCode } from '../../commands/transfers/make-transfer.js';
import { deterministicId } from '../../commands/shared/ids.js';
import { TransferCodes } from '../../commands/transfers/transfer-codes.js';
import { formatAmount } from '../../domain/money/amount.js';
import type { CustomerTransferKind } from '../../domain/transfers/events.js';
import { listTransfers } from '../../projections/transfers/transfer-queries.js';
import { requestContext } from '../auth/request-context.js';
import type { AppDeps } from '../deps.js';
import type { components } from '../generated/openapi.js';
import { runIdempotent } from '../idempotent.js';
import { principal, requireUser } from '../middleware/auth-guards.js';
import { listRequest, pageOfRows } from './transfers-list.js';
import { completedView, rowView } from './transfers-views.js';

type Schemas = components['schemas'];

/** Transfers (contract: openapi/transfers.yaml): make, confirm, list. */
export function transferRoutes(deps: AppDeps): Router {
  const router = express.Router();
  const codes = new TransferCodes(deps.credentials);

  const ttlSeconds = deps.config.transferCodeTtlSeconds;
  const lasts = ttlSeconds % 60 === 0 ? `${ttlSeconds / 60} minute${ttlSeconds === 60 ? '' : 's'}` : `${ttlSeconds} seconds`;
  const mailCode = (to: string): SendCode => async (code, r) => {
    await codes.keep(r.transfer_id, code, r.expires_at);
    await deps.mailer.send({
      to,
      subject: 'Nexus Bank - Confirm Your Transfer',
      text:
        `Your confirmation code is ${code}. It expires in ${lasts}.\n\n` +
        `Transfer ${r.transfer_id} of ${formatAmount(BigInt(r.amount), r.currency)} ${r.currency} from account ${r.sender_account} to ${r.receiver_account}` +
        (BigInt(r.fee) > 0n ? `, fee ${formatAmount(BigInt(r.fee), r.currency)} ${r.currency}.` : '.') +
        `\nThe amount is held on your account until you confirm; it is released if the code expires.` +
        `\nIf you did not ask for this transfer, do not share the code and contact the bank.`,
    });
  };

  const make = (kind: CustomerTransferKind) => async (req: Request, res: express.Response) => {
    const body = req.body as Schemas['TransferRequest'];
    const caller = principal(req);
    const outcome = await runIdempotent(deps.idempotency, req, `transfers.${kind}`, async (key) => {
      const result = await makeTransfer(
        deps.repo,
        deps.store,
        requestContext(req),
        {
          transfer_id: key ? deterministicId('transfer', kind, caller.user_id, key) : randomUUID(),
          owner_id: caller.user_id,
          kind,
          sender_account: body.sender_account,
          receiver_account: body.receiver_account,
          amount: body.amount,
        },
        mailCode(caller.email),
        ttlSeconds * 1000,
      );
      if (result.status === 'pending_otp') {
        const pending: Schemas['PendingTransfer'] = {
          status: 'pending_otp',
          transfer_id: result.transfer_id,
          expires_at: result.expires_at.toISOString(),
          attempts_left: result.attempts_left,
          position: result.position.toString(),
        };
        return { status: 202, body: pending };
      }
      return { status: 201, body: completedView(result) };
    }, { replaysFromEvents: true });
    if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(outcome.status).json(outcome.body);
  };

  const list = (kind: CustomerTransferKind) => async (req: Request, res: express.Response) => {
    const filter = listRequest(req);
    const rows = await listTransfers(deps.db, principal(req).user_id, kind, filter);
    res.json(pageOfRows(rows, filter, rowView));
  };

  router.post('/transfers/internal', requireUser, make('internal'));
  router.post('/transfers/external', requireUser, make('external'));
  router.get('/transfers/internal', requireUser, list('internal'));
  router.get('/transfers/external', requireUser, list('external'));

  router.post('/transfers/confirm', requireUser, async (req, res) => {
    const body = req.body as Schemas['ConfirmTransferRequest'];
    const caller = principal(req);
    const outcome = await runIdempotent(deps.idempotency, req, 'transfers.confirm', async () => {
      const done = await confirmTransfer(deps.repo, deps.store, requestContext(req), { transfer_id: body.transfer_id, owner_id: caller.user_id, otp: body.otp }, (request, code) =>
        codes.matches(request, code),
      );
      return { status: 200, body: completedView(done) };
    });
    if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(outcome.status).json(outcome.body);
  });

  return router;
}
