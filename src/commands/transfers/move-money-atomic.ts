import type { AccountCommand } from '../../domain/accounts/commands.js';
import type { AccountState } from '../../domain/accounts/state.js';
import { accountAggregate } from '../accounts/account-aggregate.js';
import { accountStreamFor } from '../accounts/bank-sub-streams.js';
import { bankFxAccount } from '../accounts/account-numbers.js';
import type { AggregateRepository, Decided } from '../shared/aggregate-repository.js';
import type { AtomicCommand } from '../shared/decide-atomic.js';
import type { CommandContext } from '../shared/command-context.js';
import type { MoneyMovement, Moved } from './move-money.js';
import { transferEventId, type TransferStep } from './settle.js';

interface Leg {
  step: TransferStep;
  account: string;
  command: AccountCommand;
}

/** Every leg of a movement: the debit, the credit, the fee and, across currencies, the bank's two FX position legs. */
function legsOf(m: MoneyMovement): Leg[] {
  const legs: Leg[] = [
    {
      step: 'debit',
      account: m.from,
      command: {
        type: 'DebitAccount', transfer_id: m.transfer_id, kind: m.kind, amount: m.amount, fee: m.fee,
        counterparty_account: m.to, credit_amount: m.credit_amount, fx: m.fx, fee_account: m.fee_account,
      },
    },
    {
      step: 'credit',
      account: m.to,
      command: { type: 'CreditAccount', transfer_id: m.transfer_id, kind: m.kind, amount: m.credit_amount, counterparty_account: m.from, fx: m.fx },
    },
  ];
  if (m.fee > 0n && m.fee_account) {
    legs.push({
      step: 'fee',
      account: m.fee_account,
      command: { type: 'CreditAccount', transfer_id: m.transfer_id, kind: m.kind, amount: m.fee, counterparty_account: m.from, fx: null },
    });
  }
  if (m.fx) {
    // As settle.ts: the sender's currency enters the bank's position in it; the receiver's leaves its own.
    legs.push(
      { step: 'fx-in', account: bankFxAccount(m.fx.from), command: { type: 'PostFxPosition', transfer_id: m.transfer_id, kind: m.kind, amount: m.amount } },
      { step: 'fx-out', account: bankFxAccount(m.fx.to), command: { type: 'PostFxPosition', transfer_id: m.transfer_id, kind: m.kind, amount: -m.credit_amount } },
    );
  }
  return legs;
}

const lastPosition = (d: Decided<AccountState> | undefined) => d?.result?.position ?? 0n;

/**
 * The whole movement in one commit where the store appends to several streams
 * atomically: each leg decided on its account's state and all appended at
 * once, each stream at its revision. No half-done transfer exists for the
 * settlement process to finish. Returns undefined when it cannot be done that
 * way (a leg refused, such as the balance check or a retry whose debit is
 * stored and now refused, a credit refused by a frozen receiver, streams too
 * busy), having written nothing: the caller then moves the money stream by
 * stream, which handles those cases.
 */
export async function moveMoneyAtomically(repo: AggregateRepository, ctx: CommandContext, m: MoneyMovement): Promise<Moved | undefined> {
  const legs = legsOf(m);
  const commands: AtomicCommand[] = legs.map((leg) => ({
    type: accountAggregate as unknown as AtomicCommand['type'],
    // The bank's own accounts (fee, FX) take the sub-stream this transfer's id picks, as settle.ts does.
    stream: accountStreamFor(leg.account, m.transfer_id),
    command: leg.command,
    ids: () => transferEventId(m.transfer_id, leg.step),
    declines: leg.step === 'credit' ? (events) => events.some((e) => e.type === 'CreditRefused') : undefined,
  }));
  const decided = await repo.executeAtomic(commands, ctx);
  if (!Array.isArray(decided)) return undefined;
  const byStep = new Map(legs.map((leg, i) => [leg.step, decided[i] as Decided<AccountState>]));
  const debitDecided = byStep.get('debit')!;
  const debitId = transferEventId(m.transfer_id, 'debit');
  const debit = debitDecided.events.find((e) => e.event_id === debitId);
  if (!debit) throw new Error(`debit ${debitId} was neither written nor found`);
  const credit = byStep.get('credit');
  const fee = byStep.get('fee');
  const fx = [byStep.get('fx-in'), byStep.get('fx-out')].filter((d): d is Decided<AccountState> => d !== undefined);
  const position = decided.reduce((max, d) => (lastPosition(d as Decided<AccountState>) > max ? lastPosition(d as Decided<AccountState>) : max), 0n);
  return {
    debit,
    settlement: { credit, reversal: undefined, fee, fx, position },
    sender: debitDecided.state,
    receiver: credit?.state,
    position,
    replayed: debitDecided.result?.duplicate === true,
  };
}
