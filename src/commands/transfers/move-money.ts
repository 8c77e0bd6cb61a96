import type { FxApplied, TransferKind } from '../../domain/accounts/events.js';
import { atomicTransfers } from './atomic-transfers.js';
import type { AccountState } from '../../domain/accounts/state.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { EventStore, RecordedEvent } from '../../eventstore/port.js';
import { accountAggregate } from '../accounts/account-aggregate.js';
import { accountStreamFor } from '../accounts/bank-sub-streams.js';
import type { AggregateRepository } from '../shared/aggregate-repository.js';
import type { CommandContext } from '../shared/command-context.js';
import { moveMoneyAtomically } from './move-money-atomic.js';
import { settleDebit, transferEventId, type DebitData, type Settlement } from './settle.js';

export interface MoneyMovement {
  transfer_id: string;
  kind: TransferKind;
  from: string;
  to: string;
  /** In the sender's currency, fee excluded. */
  amount: bigint;
  fee: bigint;
  fee_account: string | null;
  /** In the receiver's currency. */
  credit_amount: bigint;
  fx: FxApplied | null;
}

export interface Moved {
  debit: RecordedEvent;
  settlement: Settlement;
  sender: AccountState;
  receiver: AccountState | undefined;
  /** Position of the movement's last event: pass it back as min_position. */
  position: bigint;
  /** True when the debit had already been recorded (a retry). */
  replayed: boolean;
}

/** How far back a retry looks for its own debit when the balance check now refuses it. */
const RECENT_WINDOW = 200;

/**
 * Where the store appends to several streams atomically (PostgreSQL, PGlite)
 * and TRANSFER_ATOMIC_COMMIT is on (atomic-transfers.ts), the debit, credit,
 * fee and FX legs in one commit (move-money-atomic.ts).
 * Otherwise, or when that declines: debits the sender (the balance check and
 * the append are one step, guarded by the expected revision), then settles:
 * credit, fee, or reversal. A crash after the debit is finished by the
 * settlement process manager.
 */
export async function moveMoney(repo: AggregateRepository, store: EventStore, ctx: CommandContext, m: MoneyMovement): Promise<Moved> {
  if (repo.atomicMultiStream && atomicTransfers()) {
    const moved = await moveMoneyAtomically(repo, ctx, m);
    if (moved) return moved;
  }
  const debitId = transferEventId(m.transfer_id, 'debit');
  let debit: RecordedEvent | undefined;
  let sender: AccountState;
  let replayed = false;
  try {
    const decided = await repo.execute(
      accountAggregate,
      accountStreamFor(m.from, m.transfer_id),
      {
        type: 'DebitAccount',
        transfer_id: m.transfer_id,
        kind: m.kind,
        amount: m.amount,
        fee: m.fee,
        counterparty_account: m.to,
        credit_amount: m.credit_amount,
        fx: m.fx,
        fee_account: m.fee_account,
      },
      ctx,
      () => debitId,
    );
    debit = decided.events.find((e) => e.event_id === debitId);
    replayed = decided.result?.duplicate === true;
    sender = decided.state;
  } catch (error) {
    // A retry whose first attempt already debited may now fail the balance check: find that debit.
    if (!(error instanceof DomainError)) throw error;
    const recent = await store.readStream(accountStreamFor(m.from, m.transfer_id), { direction: 'backwards', max: RECENT_WINDOW });
    debit = recent.find((e) => e.event_id === debitId);
    if (!debit) throw error;
    replayed = true;
    sender = (await repo.load(accountAggregate, accountStreamFor(m.from, m.transfer_id))).state;
  }
  if (!debit) throw new Error(`debit ${debitId} was neither written nor found`);
  const settlement = await settleDebit(repo, ctx, m.from, debit.data as unknown as DebitData);
  if (settlement.reversal) sender = settlement.reversal.state;
  const position = settlement.position > debit.position ? settlement.position : debit.position;
  return { debit, settlement, sender, receiver: settlement.credit?.state, position, replayed };
}
