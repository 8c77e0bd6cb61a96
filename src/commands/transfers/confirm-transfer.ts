import { randomUUID } from 'node:crypto';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { TransferRequestedData } from '../../domain/transfers/events.js';
import type { TransferState } from '../../domain/transfers/state.js';
import type { EventStore } from '../../eventstore/port.js';
import { accountAggregate, accountStream } from '../accounts/account-aggregate.js';
import type { AggregateRepository, Decided } from '../shared/aggregate-repository.js';
import type { CommandContext } from '../shared/command-context.js';
import { finishHeldTransfer, voidedRefusal } from './held-transfer.js';
import { transferAggregate, transferStream } from './transfer-aggregate.js';
import { completedFrom, type CompletedTransfer } from './transfer-outcome.js';

/** Whether a code is the pending transfer's (src/commands/transfers/transfer-codes.ts). */
export type CheckCode = (request: TransferRequestedData, code: string) => Promise<boolean>;

export interface ConfirmTransfer {
  transfer_id: string;
  owner_id: string;
  otp: string;
}

/** The code step ended without a confirmation: these refusals void the hold first. */
const ENDED = new Set(['transfer_locked', 'otp_expired']);

/**
 * Confirms a pending high-value transfer with its e-mailed code. A wrong code
 * costs one of three attempts (400 with attempts_left; the third locks it,
 * 423); an expired code is a 410; both give the held money back at once. The
 * right code records TransferConfirmed with the stream's expected revision,
 * then posts the hold (it cannot fail for funds: the money was set aside at
 * the request). A sender frozen since the request, or a receiver frozen now,
 * voids the hold instead and records TransferFailed (422).
 */
export async function confirmTransfer(repo: AggregateRepository, store: EventStore, ctx: CommandContext, cmd: ConfirmTransfer, checkCode: CheckCode): Promise<CompletedTransfer> {
  const stream = transferStream(cmd.transfer_id);
  const { state } = await repo.load(transferAggregate, stream);
  const request = state.request;
  if (!request || request.owner_id !== cmd.owner_id) throw new DomainError('not_found', 'Transfer not found.', 404);
  const worthChecking = state.status === 'pending_otp' || state.status === 'confirmed';
  const matches = worthChecking ? await checkCode(request, cmd.otp) : false;
  let decided: Decided<TransferState>;
  try {
    decided = await repo.execute(transferAggregate, stream, { type: 'ConfirmTransfer', code_matches: matches }, ctx, () =>
      // Fresh ids: two racing wrong codes are two attempts, never one "retry".
      randomUUID(),
    );
  } catch (error) {
    // Locked or expired before: make sure its hold is given back (a crash may have left it), then refuse.
    if (error instanceof DomainError && ENDED.has(error.code)) await finishHeldTransfer(repo, store, ctx, (await repo.load(transferAggregate, stream)).state);
    throw error;
  }
  const outcome = await finishHeldTransfer(repo, store, ctx, decided.state);
  if (outcome.kind === 'waiting') throw new DomainError('invalid_otp', 'The code is wrong.', 400, { attempts_left: decided.state.attempts_left });
  if (outcome.kind === 'voided') throw voidedRefusal(request, outcome.reason);
  const { state: receiver } = await repo.load(accountAggregate, accountStream(request.receiver_account), { cached: true });
  return completedFrom(
    {
      id: request.transfer_id,
      kind: request.kind,
      owner_id: request.owner_id,
      sender_account: request.sender_account,
      receiver_account: request.receiver_account,
      receiver_owner_id: receiver.owner_id,
      amount: BigInt(request.amount),
      fee: BigInt(request.fee),
      currency: request.currency,
      credit_amount: BigInt(request.credit_amount),
      receiver_currency: request.receiver_currency,
      fx: request.fx,
    },
    outcome.moved,
  );
}
