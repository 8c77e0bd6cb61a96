import { fxApplied } from '../../domain/bills/amount-rule.js';
import { parseAmount } from '../../domain/money/amount.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { OTP_ATTEMPTS, OTP_TTL_MS } from '../../domain/transfers/decider.js';
import type { CustomerTransferKind, TransferRequestedData } from '../../domain/transfers/events.js';
import { checkParties, receiverRefusal } from '../../domain/transfers/parties.js';
import { priceTransfer } from '../../domain/transfers/pricing.js';
import type { EventStore } from '../../eventstore/port.js';
import { accountAggregate, accountStream } from '../accounts/account-aggregate.js';
import { bankFeesAccount } from '../accounts/account-numbers.js';
import type { AggregateRepository } from '../shared/aggregate-repository.js';
import type { CommandContext } from '../shared/command-context.js';
import { deterministicId } from '../shared/ids.js';
import { moveMoney } from './move-money.js';
import { hashOtp, newOtpCode } from './otp-code.js';
import { transferAggregate, transferStream } from './transfer-aggregate.js';
import { completedFrom, type CompletedTransfer, type TransferTerms } from './transfer-outcome.js';

export interface MakeTransfer {
  /** Deterministic (from the caller, kind and Idempotency-Key) when the request has a key. */
  transfer_id: string;
  owner_id: string;
  kind: CustomerTransferKind;
  sender_account: string;
  receiver_account: string;
  /** Decimal string in the sender's currency. */
  amount: string;
}

export interface PendingTransfer {
  status: 'pending_otp';
  transfer_id: string;
  expires_at: Date;
  attempts_left: number;
  position: bigint;
}

/** Sends the one-time code of a pending transfer to its owner (e-mail). */
export type SendCode = (code: string, request: TransferRequestedData) => Promise<void>;

/**
 * A transfer between accounts: checks both parties on their own streams
 * (ownership, existence, freezes, same account), prices it (fee, FX, limit),
 * and either moves the money at once or, above the step-up threshold, records
 * a pending request and e-mails a one-time code. A refusal writes nothing.
 */
export async function makeTransfer(
  repo: AggregateRepository,
  store: EventStore,
  ctx: CommandContext,
  cmd: MakeTransfer,
  sendCode: SendCode,
): Promise<CompletedTransfer | PendingTransfer> {
  // Remembered states are enough: owners, currencies and existence never change; the
  // sender's status and balance are proved by the debit's expected revision, and the
  // receiver's status by the credit's (a freeze since then refuses the credit and the
  // debit is reversed).
  const [{ state: sender }, { state: receiver }] = await Promise.all([
    repo.load(accountAggregate, accountStream(cmd.sender_account), { cached: true }),
    repo.load(accountAggregate, accountStream(cmd.receiver_account), { cached: true }),
  ]);
  checkParties(cmd.kind, cmd.owner_id, sender, receiver);
  const amount = parseAmount(cmd.amount, sender.currency);
  const quote = priceTransfer(cmd.kind, amount, sender.currency, receiver.currency);
  const terms: TransferTerms = {
    id: cmd.transfer_id,
    kind: cmd.kind,
    owner_id: cmd.owner_id,
    sender_account: sender.account_number,
    receiver_account: receiver.account_number,
    receiver_owner_id: receiver.owner_id,
    amount,
    fee: quote.fee,
    currency: sender.currency,
    credited_amount: quote.credit_amount,
    receiver_currency: receiver.currency,
    fx: fxApplied(quote.conversion),
  };
  if (quote.needs_otp) return requestWithCode(repo, ctx, terms, sendCode);
  const moved = await moveMoney(repo, store, ctx, {
    transfer_id: terms.id,
    kind: terms.kind,
    from: terms.sender_account,
    to: terms.receiver_account,
    amount: terms.amount,
    fee: terms.fee,
    fee_account: terms.fee > 0n ? bankFeesAccount(terms.currency) : null,
    credit_amount: terms.credited_amount,
    fx: terms.fx,
  });
  if (moved.settlement.reversal) {
    // Frozen after the checks: the money went back, and the caller gets the refusal the checks would have given.
    throw receiverRefusal(terms.kind, terms.receiver_account, { transfer_id: terms.id, transfer_status: 'reversed' });
  }
  return completedFrom(terms, moved);
}

async function requestWithCode(repo: AggregateRepository, ctx: CommandContext, t: TransferTerms, sendCode: SendCode): Promise<PendingTransfer> {
  const code = newOtpCode();
  const request: TransferRequestedData = {
    transfer_id: t.id,
    owner_id: t.owner_id,
    kind: t.kind,
    sender_account: t.sender_account,
    receiver_account: t.receiver_account,
    amount: t.amount.toString(),
    fee: t.fee.toString(),
    fee_account: t.fee > 0n ? bankFeesAccount(t.currency) : null,
    currency: t.currency,
    credit_amount: t.credited_amount.toString(),
    receiver_currency: t.receiver_currency,
    fx: t.fx,
    otp_hash: await hashOtp(code),
    expires_at: new Date(ctx.now.getTime() + OTP_TTL_MS).toISOString(),
    attempts_left: OTP_ATTEMPTS,
  };
  const decided = await repo.execute(transferAggregate, transferStream(t.id), { type: 'RequestTransfer', request }, ctx, () =>
    deterministicId('transfer-requested', t.id),
  );
  const stored = decided.state.request;
  if (!stored) throw new Error(`transfer ${t.id} was neither requested nor found`);
  if (decided.events.length === 0 || decided.result?.duplicate) {
    // A retry of a request already recorded: its code went out then; this one is never sent.
    if (decided.state.status !== 'pending_otp') {
      throw new DomainError('transfer_not_pending', `This transfer is ${decided.state.status}.`, 409, { transfer_status: decided.state.status, transfer_id: t.id });
    }
  } else {
    try {
      await sendCode(code, request);
    } catch {
      await repo.execute(transferAggregate, transferStream(t.id), { type: 'FailTransfer', code: 'otp_delivery_failed', reason: 'The code could not be e-mailed.' }, ctx, () =>
        deterministicId('transfer-failed', t.id),
      );
      throw new DomainError('otp_delivery_failed', 'The confirmation code could not be e-mailed; no money moved. Try again.', 422);
    }
  }
  return {
    status: 'pending_otp',
    transfer_id: t.id,
    expires_at: new Date(stored.expires_at),
    attempts_left: decided.state.attempts_left,
    position: decided.result?.position ?? 0n,
  };
}
