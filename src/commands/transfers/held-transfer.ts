import { accountFrozen } from '../../domain/accounts/errors.js';
import type { HoldReleaseReason } from '../../domain/accounts/events.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { TransferRequestedData } from '../../domain/transfers/events.js';
import { receiverRefusal } from '../../domain/transfers/parties.js';
import type { TransferState } from '../../domain/transfers/state.js';
import type { EventStore } from '../../eventstore/port.js';
import { accountAggregate, accountStream } from '../accounts/account-aggregate.js';
import type { AggregateRepository } from '../shared/aggregate-repository.js';
import type { CommandContext } from '../shared/command-context.js';
import { deterministicId } from '../shared/ids.js';
import { endHold, type HoldEnd } from './holds.js';
import { moveMoney, type Moved } from './move-money.js';
import { settleDebit, type DebitData } from './settle.js';
import { transferAggregate, transferStream } from './transfer-aggregate.js';

/** Where a transfer with a code ended up once its code step is over. */
export type HeldOutcome =
  | { kind: 'posted'; moved: Moved }
  | { kind: 'voided'; reason: HoldReleaseReason }
  /** Still waiting for its code: nothing to do. */
  | { kind: 'waiting' };

/** Why a transfer that ended without its code being confirmed gives its hold back. */
const RELEASE_REASON: Record<'locked' | 'expired' | 'failed', HoldReleaseReason> = {
  locked: 'locked',
  expired: 'expired',
  failed: 'otp_delivery_failed',
};

/** The refusal a caller gets when a confirmed transfer's hold was voided instead of posted. */
export function voidedRefusal(request: TransferRequestedData, reason: HoldReleaseReason): DomainError {
  switch (reason) {
    case 'sender_frozen':
      return accountFrozen(request.sender_account, { field: 'sender_account', transfer_id: request.transfer_id });
    case 'receiver_frozen':
      return receiverRefusal(request.kind, request.receiver_account, { transfer_id: request.transfer_id });
    case 'expired':
      return new DomainError('otp_expired', 'The code has expired; request the transfer again.', 410);
    case 'locked':
      return new DomainError('transfer_locked', 'Too many wrong codes: this transfer is locked.', 423, { attempts_left: 0 });
    case 'otp_delivery_failed':
      return new DomainError('otp_delivery_failed', 'The confirmation code could not be e-mailed; no money moved. Try again.', 422);
  }
}

const failIds = (id: string) => () => deterministicId('transfer-failed', id);

async function recordFailure(repo: AggregateRepository, ctx: CommandContext, request: TransferRequestedData, error: DomainError): Promise<void> {
  await repo.execute(transferAggregate, transferStream(request.transfer_id), { type: 'FailTransfer', code: error.code, reason: error.message }, ctx, failIds(request.transfer_id));
}

/**
 * Finishes a transfer whose code step is over, as its `transfer-<id>` stream
 * says: confirmed posts the hold (a debit that consumes it, then the usual
 * settlement) unless the receiver is frozen now; locked, expired or failed
 * voids it. The sender's stream decides how the hold ends (posted or voided,
 * once), so the request, a retry and the expiry process may all run this at
 * once: each step has a deterministic event id, and every caller reports the
 * one outcome recorded. A confirmed transfer whose hold was voided is
 * recorded as failed with the reason.
 */
export async function finishHeldTransfer(repo: AggregateRepository, store: EventStore, ctx: CommandContext, state: TransferState): Promise<HeldOutcome> {
  const request = state.request;
  if (!request || state.status === 'none' || state.status === 'pending_otp') return { kind: 'waiting' };
  const sender = request.sender_account;
  const id = request.transfer_id;
  let end: HoldEnd;
  if (state.status === 'confirmed') {
    const { state: receiver } = await repo.load(accountAggregate, accountStream(request.receiver_account));
    end = receiver.status === 'active'
      ? await endHold(repo, store, ctx, sender, {
          type: 'PostHold',
          transfer_id: id,
          kind: request.kind,
          amount: BigInt(request.amount),
          fee: BigInt(request.fee),
          counterparty_account: request.receiver_account,
          credit_amount: BigInt(request.credit_amount),
          fx: request.fx,
          fee_account: request.fee_account,
        })
      : await endHold(repo, store, ctx, sender, { type: 'ReleaseHold', transfer_id: id, reason: 'receiver_frozen' });
    if (end.kind === 'none') return { kind: 'posted', moved: await moveWithoutHold(repo, store, ctx, request) };
  } else {
    end = await endHold(repo, store, ctx, sender, { type: 'ReleaseHold', transfer_id: id, reason: RELEASE_REASON[state.status] });
  }
  switch (end.kind) {
    case 'posted': {
      const settlement = await settleDebit(repo, ctx, sender, end.debit.data as unknown as DebitData);
      const position = settlement.position > end.debit.position ? settlement.position : end.debit.position;
      const senderState = settlement.reversal?.state ?? (await repo.load(accountAggregate, accountStream(sender), { cached: true })).state;
      return { kind: 'posted', moved: { debit: end.debit, settlement, sender: senderState, receiver: settlement.credit?.state, position, replayed: false } };
    }
    case 'released':
      if (state.status === 'confirmed') await recordFailure(repo, ctx, request, voidedRefusal(request, end.reason));
      return { kind: 'voided', reason: end.reason };
    case 'none':
      // Requested before holds existed and not confirmed: nothing was ever set aside.
      return { kind: 'voided', reason: RELEASE_REASON[state.status as 'locked' | 'expired' | 'failed'] };
    case 'open':
      throw new Error(`the hold of transfer ${id} is still open after ending it`);
  }
}

/**
 * A transfer confirmed that has no hold (requested before holds existed):
 * moved as before holds, checked for funds now; a refusal is recorded.
 */
async function moveWithoutHold(repo: AggregateRepository, store: EventStore, ctx: CommandContext, request: TransferRequestedData): Promise<Moved> {
  try {
    return await moveMoney(repo, store, ctx, {
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
  } catch (error) {
    if (error instanceof DomainError) await recordFailure(repo, ctx, request, error);
    throw error;
  }
}
