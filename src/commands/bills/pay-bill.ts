import { quoteBill } from '../../domain/bills/amount-rule.js';
import { fxApplied } from '../../domain/money/fx-applied.js';
import { billerOrThrow, validReference } from '../../domain/bills/billers.js';
import type { BillPaidData } from '../../domain/bills/events.js';
import type { AccountState } from '../../domain/accounts/state.js';
import { parseAmount } from '../../domain/money/amount.js';
import { DomainError, notFound } from '../../domain/shared/domain-error.js';
import type { EventStore } from '../../eventstore/port.js';
import { accountAggregate, accountStream } from '../accounts/account-aggregate.js';
import type { AggregateRepository } from '../shared/aggregate-repository.js';
import type { CommandContext } from '../shared/command-context.js';
import { deterministicId } from '../shared/ids.js';
import { moveMoney } from '../transfers/move-money.js';
import { billAggregate, billStream } from './bill-aggregate.js';
import { assertOpenForUse } from '../../domain/accounts/errors.js';

export interface PayBill {
  /** Deterministic (from the caller and Idempotency-Key) when the request has a key. */
  bill_id: string;
  owner_id: string;
  biller_id: string;
  account_number: string;
  /** Decimal string in the payer's currency; optional for a fixed bill. */
  amount: string | undefined;
  reference: string;
}

export interface PaidBill {
  payment: BillPaidData;
  /** The payer's balance after the debit. */
  balance_after: bigint;
  payer: AccountState;
  paid_at: Date;
  /** Position of the last event (credit or BillPaid): pass it back as min_position. */
  position: bigint;
}

/**
 * Pays a bill: checks the biller, the reference and the payer (the caller's
 * own account, read from its stream; someone else's is a 404), prices it,
 * moves the money (kind 'bill', the bill id as transfer id, so a retry finds
 * its own debit), then records BillPaid in `bill-<id>`. A refusal (frozen,
 * insufficient funds, limit) leaves nothing behind.
 */
export async function payBill(repo: AggregateRepository, store: EventStore, ctx: CommandContext, cmd: PayBill): Promise<PaidBill> {
  const biller = billerOrThrow(cmd.biller_id);
  const reference = validReference(biller, cmd.reference);
  const { state: payer } = await repo.load(accountAggregate, accountStream(cmd.account_number));
  if (!payer.exists || payer.owner_id !== cmd.owner_id) throw notFound('Account');
  const requested = cmd.amount === undefined ? undefined : parseAmount(cmd.amount, payer.currency);
  assertOpenForUse(payer);
  const quote = quoteBill(biller, payer.currency, requested);
  const fx = fxApplied(quote.conversion);

  const moved = await moveMoney(repo, store, ctx, {
    transfer_id: cmd.bill_id,
    kind: 'bill',
    from: payer.account_number,
    to: biller.account_number,
    amount: quote.debit_amount,
    fee: 0n,
    fee_account: null,
    credit_amount: quote.credit_amount,
    fx,
  });
  if (!moved.settlement.credit) {
    throw new DomainError('biller_unavailable', `${biller.name} cannot receive payments now; the amount was returned.`, 422);
  }

  const payment: BillPaidData = {
    bill_id: cmd.bill_id,
    owner_id: cmd.owner_id,
    biller_id: biller.id,
    biller_name: biller.name,
    category: biller.category,
    account_number: payer.account_number,
    reference,
    amount: quote.debit_amount.toString(),
    currency: payer.currency,
    credit_amount: quote.credit_amount.toString(),
    biller_currency: biller.currency,
    biller_account: biller.account_number,
    fx,
  };
  const recorded = await repo.execute(billAggregate, billStream(cmd.bill_id), { type: 'RecordBillPayment', payment }, ctx, () =>
    deterministicId('bill-paid', cmd.bill_id),
  );
  // A retry finds the payment already recorded: report it as it was stored.
  const event = recorded.events[0] ?? (await store.readStream(billStream(cmd.bill_id), { direction: 'backwards', max: 1 }))[0];
  if (!event) throw new Error(`bill ${cmd.bill_id} was neither recorded nor found`);
  const balanceAfter = BigInt(String(moved.debit.data.balance_after));
  return {
    payment,
    balance_after: balanceAfter,
    payer: moved.sender,
    paid_at: new Date(String(event.metadata.occurred_at)),
    position: event.position > moved.position ? event.position : moved.position,
  };
}
