import type { FxApplied } from '../../domain/accounts/events.js';
import type { Currency } from '../../domain/money/currency.js';
import type { CustomerTransferKind } from '../../domain/transfers/events.js';
import type { Moved } from './move-money.js';
import { transferEventId } from './settle.js';

/** A transfer whose money has moved, as the command that moved it saw it. */
export interface CompletedTransfer {
  id: string;
  kind: CustomerTransferKind;
  status: 'completed' | 'reversed';
  sender_account: string;
  receiver_account: string;
  /** Sender's currency, minor units, fee excluded. */
  amount: bigint;
  fee: bigint;
  currency: Currency;
  /** Receiver's currency, minor units (served as `credited_amount` by the transfers API). */
  credit_amount: bigint;
  receiver_currency: Currency;
  fx: FxApplied | null;
  created_at: Date;
  sender_balance_after: bigint;
  /** Only when the caller owns the receiving account; never another customer's balance. */
  receiver_balance_after: bigint | null;
  position: bigint;
}

export interface TransferTerms {
  id: string;
  kind: CustomerTransferKind;
  owner_id: string;
  sender_account: string;
  receiver_account: string;
  receiver_owner_id: string;
  amount: bigint;
  fee: bigint;
  currency: Currency;
  credit_amount: bigint;
  receiver_currency: Currency;
  fx: FxApplied | null;
}

/**
 * Reads the balances after from the movement's own events. On a retry these
 * are the stored events (the store reports what it kept, not the re-decided
 * payload), so a replay answers with the first attempt's balances.
 */
export function completedFrom(t: TransferTerms, moved: Moved): CompletedTransfer {
  const creditId = transferEventId(t.id, 'credit');
  const reversalId = transferEventId(t.id, 'reversal');
  const debit = moved.debit;
  const credit = moved.settlement.credit?.events.find((e) => e.event_id === creditId);
  const reversal = moved.settlement.reversal?.events.find((e) => e.event_id === reversalId);
  const receiverBalance = credit ? BigInt(String(credit.data.balance_after)) : moved.receiver?.balance;
  const senderBalance = reversal ? BigInt(String(reversal.data.balance_after)) : BigInt(String(debit.data.balance_after));
  return {
    id: t.id,
    kind: t.kind,
    status: moved.settlement.reversal ? 'reversed' : 'completed',
    sender_account: t.sender_account,
    receiver_account: t.receiver_account,
    amount: t.amount,
    fee: t.fee,
    currency: t.currency,
    credit_amount: t.credit_amount,
    receiver_currency: t.receiver_currency,
    fx: t.fx,
    created_at: new Date(String(debit.metadata.occurred_at)),
    sender_balance_after: senderBalance,
    receiver_balance_after: t.receiver_owner_id === t.owner_id && receiverBalance !== undefined ? receiverBalance : null,
    position: moved.position,
  };
}
