import { randomUUID } from 'node:crypto';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { TransferRequestedData } from '../../domain/transfers/events.js';
import type { TransferState } from '../../domain/transfers/state.js';
import type { EventStore } from '../../eventstore/port.js';
import { accountAggregate, accountStream } from '../accounts/account-aggregate.js';
import type { AggregateRepository } from '../shared/aggregate-repository.js';
import type { CommandContext } from '../shared/command-context.js';
import { deterministicId } from '../shared/ids.js';
import { moveMoney } from './move-money.js';
import { otpMatches } from './otp-code.js';
import { transferAggregate, transferStream } from './transfer-aggregate.js';
import { completedFrom, type CompletedTransfer } from './transfer-outcome.js';
import { accountFrozen } from '../../domain/accounts/errors.js';

export interface ConfirmTransfer {
  transfer_id: string;
  owner_id: string;
  otp: string;
}

const failIds = (id: string) => () => deterministicId('transfer-failed', id);

/**
 * Confirms a pending high-value transfer with its e-mailed code. A wrong code
 * costs one of three attempts (400 with attempts_left; the third locks it,
 * 423); an expired code is a 410. The right code records TransferConfirmed
 * with the stream's expected revision, so concurrent confirmations move the
 * money once. Both accounts are checked again (a freeze since the request
 * refuses it), and a refusal by the ledger (insufficient funds) records
 * TransferFailed.
 */
export async function confirmTransfer(repo: AggregateRepository, store: EventStore, ctx: CommandContext, cmd: ConfirmTransfer): Promise<CompletedTransfer> {
  const stream = transferStream(cmd.transfer_id);
  const { state } = await repo.load(transferAggregate, stream);
  const request = state.request;
  if (!request || request.owner_id !== cmd.owner_id) throw new DomainError('not_found', 'Transfer not found.', 404);
  const worthChecking = state.status === 'pending_otp' || state.status === 'confirmed';
  const matches = worthChecking ? await otpMatches(request.otp_hash, cmd.otp) : false;
  const decided = await repo.execute(transferAggregate, stream, { type: 'ConfirmTransfer', code_matches: matches, now: ctx.now }, ctx, () =>
    // Fresh ids: two racing wrong codes are two attempts, never one "retry".
    randomUUID(),
  );
  refuseUnlessConfirmed(decided.state);

  const [{ state: sender }, { state: receiver }] = await Promise.all([
    repo.load(accountAggregate, accountStream(request.sender_account)),
    repo.load(accountAggregate, accountStream(request.receiver_account)),
  ]);
  for (const account of [sender, receiver]) {
    if (account.status !== 'active') await fail(repo, ctx, request, accountFrozen(account.account_number));
  }
  try {
    const moved = await moveMoney(repo, store, ctx, {
      transfer_id: request.transfer_id,
      kind: request.kind,
      from: request.sender_account,
      to: request.receiver_account,
      amount: BigInt(request.amount),
      fee: BigInt(request.fee),
      fee_account: request.fee_account,
      credit_amount: BigInt(request.credit_amount),
      fx: request.fx,
    });
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
        credited_amount: BigInt(request.credit_amount),
        receiver_currency: request.receiver_currency,
        fx: request.fx,
      },
      moved,
    );
  } catch (error) {
    if (error instanceof DomainError) await fail(repo, ctx, request, error);
    throw error;
  }
}

function refuseUnlessConfirmed(state: TransferState): void {
  if (state.status === 'confirmed') return;
  if (state.status === 'locked') throw new DomainError('transfer_locked', 'Too many wrong codes: this transfer is locked.', 423, { attempts_left: 0 });
  if (state.status === 'expired') throw new DomainError('otp_expired', 'The code has expired; request the transfer again.', 410);
  throw new DomainError('invalid_otp', 'The code is wrong.', 400, { attempts_left: state.attempts_left });
}

/** Records why a confirmed transfer could not move its money, then refuses with that reason. */
async function fail(repo: AggregateRepository, ctx: CommandContext, request: TransferRequestedData, error: DomainError): Promise<never> {
  await repo.execute(transferAggregate, transferStream(request.transfer_id), { type: 'FailTransfer', code: error.code, reason: error.message }, ctx, failIds(request.transfer_id));
  throw error;
}
