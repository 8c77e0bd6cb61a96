import { fxApplied } from '../../domain/money/fx-applied.js';
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
import { endHold, runHoldCommand } from './holds.js';
import { moveMoney } from './move-money.js';
import { newOtpCode } from './otp-code.js';
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

/** Keeps the one-time code of a pending transfer (its hash, in the credentials store) and sends it to its owner (e-mail). */
export type SendCode = (code: string, request: TransferRequestedData) => Promise<void>;

/**
 * A transfer between accounts: checks both parties on their own streams
 * (ownership, existence, freezes, same account), prices it (fee, FX, limit),
 * and either moves the money at once or, above the step-up threshold, holds
 * amount + fee on the sender, records a pending request and e-mails a one-time
 * code (see confirm-transfer.ts). A refusal writes nothing.
 */
export async function makeTransfer(
  repo: AggregateRepository,
  store: EventStore,
  ctx: CommandContext,
  cmd: MakeTransfer,
  sendCode: SendCode,
  /** How long the code, and the hold, last. */
  codeTtlMs: number = OTP_TTL_MS,
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
    credit_amount: quote.credit_amount,
    receiver_currency: receiver.currency,
    fx: fxApplied(quote.conversion),
  };
  if (quote.needs_otp) return requestWithCode(repo, store, ctx, terms, sendCode, codeTtlMs);
  const moved = await moveMoney(repo, store, ctx, {
    transfer_id: terms.id,
    kind: terms.kind,
    from: terms.sender_account,
    to: terms.receiver_account,
    amount: terms.amount,
    fee: terms.fee,
    fee_account: terms.fee > 0n ? bankFeesAccount(terms.currency) : null,
    credit_amount: terms.credit_amount,
    fx: terms.fx,
  });
  if (moved.settlement.reversal) {
    // Frozen after the checks: the money went back, and the caller gets the refusal the checks would have given.
    throw receiverRefusal(terms.kind, terms.receiver_account, { transfer_id: terms.id, transfer_status: 'reversed' });
  }
  return completedFrom(terms, moved);
}

async function requestWithCode(repo: AggregateRepository, store: EventStore, ctx: CommandContext, t: TransferTerms, sendCode: SendCode, codeTtlMs: number): Promise<PendingTransfer> {
  // First the hold: the money is set aside before a code exists, and a refusal (funds, frozen) writes nothing.
  const expiresAt = await placeHold(repo, ctx, t, new Date(ctx.now.getTime() + codeTtlMs));
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
    credit_amount: t.credit_amount.toString(),
    receiver_currency: t.receiver_currency,
    fx: t.fx,
    expires_at: expiresAt,
    attempts_left: OTP_ATTEMPTS,
  };
  const decided = await repo.execute(transferAggregate, transferStream(t.id), { type: 'RequestTransfer', request }, ctx, () =>
    deterministicId('transfer-requested', t.id),
  );
  const stored = decided.state.request;
  if (!stored) throw new Error(`transfer ${t.id} was neither requested nor found`);
  if (decided.events.length === 0 || decided.result?.duplicate) {
    // A retry of a request already recorded: its code went out then; this one is never sent.
    if (decided.state.status !== 'pending_otp') throw notPending(t.id, decided.state.status);
  } else {
    try {
      await sendCode(code, request);
    } catch {
      await repo.execute(transferAggregate, transferStream(t.id), { type: 'FailTransfer', code: 'otp_delivery_failed', reason: 'The code could not be e-mailed.' }, ctx, () =>
        deterministicId('transfer-failed', t.id),
      );
      await endHold(repo, store, ctx, t.sender_account, { type: 'ReleaseHold', transfer_id: t.id, reason: 'otp_delivery_failed' });
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

const notPending = (transferId: string, status: string) =>
  new DomainError('transfer_not_pending', `This transfer is ${status}.`, 409, { transfer_status: status, transfer_id: transferId });

/**
 * Holds amount + fee on the sender (checked against the available balance on
 * the sender's stream, with its expected revision) and returns when the hold
 * (and the code) runs out. A retry finds the hold its first attempt placed and
 * keeps its expiry; a retry after that hold ended (long after a crash) is refused.
 */
async function placeHold(repo: AggregateRepository, ctx: CommandContext, t: TransferTerms, expiresAt: Date): Promise<string> {
  const placed = await runHoldCommand(repo, ctx, t.sender_account, {
    type: 'HoldFunds',
    transfer_id: t.id,
    kind: t.kind,
    amount: t.amount,
    fee: t.fee,
    counterparty_account: t.receiver_account,
    expires_at: expiresAt.toISOString(),
  });
  const hold = placed.state.holds[t.id];
  if (hold) return hold.expires_at;
  const { state } = await repo.load(transferAggregate, transferStream(t.id));
  throw notPending(t.id, state.status === 'none' ? 'expired' : state.status);
}
