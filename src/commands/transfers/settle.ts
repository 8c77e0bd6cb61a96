import type { AccountEvent } from '../../domain/accounts/events.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { accountAggregate } from '../accounts/account-aggregate.js';
import { accountStreamFor } from '../accounts/bank-sub-streams.js';
import { bankFxAccount } from '../accounts/account-numbers.js';
import type { AggregateRepository, Decided } from '../shared/aggregate-repository.js';
import type { CommandContext } from '../shared/command-context.js';
import { deterministicId } from '../shared/ids.js';
import type { AccountState } from '../../domain/accounts/state.js';

export type DebitData = Extract<AccountEvent, { type: 'AccountDebited' }>['data'];

/** The ids of a transfer's events: a retry or the process manager writes the same ones. */
export type TransferStep = 'debit' | 'credit' | 'fee' | 'reversal' | 'fx-in' | 'fx-out' | 'hold' | 'release';

export const transferEventId = (transferId: string, step: TransferStep) =>
  deterministicId('transfer', transferId, step);

export interface Settlement {
  credit: Decided<AccountState> | undefined;
  reversal: Decided<AccountState> | undefined;
  fee: Decided<AccountState> | undefined;
  /** The two legs of the bank's FX position when the currencies differ. */
  fx: Decided<AccountState>[];
  /** Position of the last event written or found. */
  position: bigint;
}

const lastPosition = (d: Decided<AccountState> | undefined) => d?.result?.position ?? 0n;

/** Why a debit was given back: the receiver does not exist, or was frozen after the checks. */
export const REVERSAL_REASONS = { receiver_not_found: 'receiver_not_found', receiver_frozen: 'receiver_frozen' } as const;

/**
 * Finishes what a recorded debit owes: the credit to the counterparty, the
 * fee to the bank and, across currencies, the bank's FX position legs; or,
 * when the counterparty does not exist or refuses the credit (frozen), a
 * reversal to the sender. Every event has a deterministic id, so running this twice (the
 * request and the process manager racing) writes each once.
 */
export async function settleDebit(repo: AggregateRepository, ctx: CommandContext, from: string, debit: DebitData): Promise<Settlement> {
  const reverse = async (reason: string, refused?: Decided<AccountState>): Promise<Settlement> => {
    const reversal = await repo.execute(
      accountAggregate,
      accountStreamFor(from, debit.transfer_id),
      { type: 'ReverseDebit', transfer_id: debit.transfer_id, amount: BigInt(debit.amount) + BigInt(debit.fee), reason },
      ctx,
      () => transferEventId(debit.transfer_id, 'reversal'),
    );
    const position = lastPosition(reversal) > lastPosition(refused) ? lastPosition(reversal) : lastPosition(refused);
    return { credit: undefined, reversal, fee: undefined, fx: [], position };
  };
  let credit: Decided<AccountState>;
  try {
    credit = await repo.execute(
      accountAggregate,
      accountStreamFor(debit.counterparty_account, debit.transfer_id),
      {
        type: 'CreditAccount',
        transfer_id: debit.transfer_id,
        kind: debit.kind,
        amount: BigInt(debit.credit_amount),
        counterparty_account: from,
        fx: debit.fx,
      },
      ctx,
      () => transferEventId(debit.transfer_id, 'credit'),
    );
  } catch (error) {
    if (!(error instanceof DomainError && error.code === 'account_not_found')) throw error;
    return reverse(REVERSAL_REASONS.receiver_not_found);
  }
  // What is stored under the credit's id decides, whoever wrote it (a retry sees the first outcome).
  const creditId = transferEventId(debit.transfer_id, 'credit');
  if (credit.events.find((e) => e.event_id === creditId)?.type === 'CreditRefused') return reverse(REVERSAL_REASONS.receiver_frozen, credit);
  let fee: Decided<AccountState> | undefined;
  if (BigInt(debit.fee) > 0n && debit.fee_account) {
    fee = await repo.execute(
      accountAggregate,
      accountStreamFor(debit.fee_account, debit.transfer_id),
      { type: 'CreditAccount', transfer_id: debit.transfer_id, kind: debit.kind, amount: BigInt(debit.fee), counterparty_account: from, fx: null },
      ctx,
      () => transferEventId(debit.transfer_id, 'fee'),
    );
  }
  const fx: Decided<AccountState>[] = [];
  if (debit.fx) {
    // The sender's currency enters the bank's position in it; the receiver's leaves its own.
    const legs = [
      { step: 'fx-in', currency: debit.fx.from, amount: BigInt(debit.amount) },
      { step: 'fx-out', currency: debit.fx.to, amount: -BigInt(debit.credit_amount) },
    ] as const;
    for (const leg of legs) {
      fx.push(await repo.execute(
        accountAggregate,
        accountStreamFor(bankFxAccount(leg.currency), debit.transfer_id),
        { type: 'PostFxPosition', transfer_id: debit.transfer_id, kind: debit.kind, amount: leg.amount },
        ctx,
        () => transferEventId(debit.transfer_id, leg.step),
      ));
    }
  }
  const positions = [lastPosition(credit), lastPosition(fee), ...fx.map(lastPosition)];
  return { credit, reversal: undefined, fee, fx, position: positions.reduce((a, b) => (b > a ? b : a), 0n) };
}
