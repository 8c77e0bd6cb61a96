import type { FxApplied } from '../../domain/accounts/events.js';
import type { Currency } from '../../domain/money/currency.js';
import type { CustomerTransferKind } from '../../domain/transfers/events.js';
import type { EventStore, RecordedEvent } from '../../eventstore/port.js';
import { accountStream } from '../accounts/account-aggregate.js';
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
  credited_amount: bigint;
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
  credited_amount: bigint;
  receiver_currency: Currency;
  fx: FxApplied | null;
}

/** How far back a retry looks for the events its first attempt stored. */
const RECENT_WINDOW = 200;

async function stored(store: EventStore, account: string, eventId: string): Promise<RecordedEvent | undefined> {
  const recent = await store.readStream(accountStream(account), { direction: 'backwards', max: RECENT_WINDOW });
  return recent.find((e) => e.event_id === eventId);
}

/**
 * Reads the balances after from the movement's own events. On a retry the
 * append reports the re-decided payload, not the stored one, so the stored
 * debit, credit and reversal are read back from their streams.
 */
export async function completedFrom(store: EventStore, t: TransferTerms, moved: Moved): Promise<CompletedTransfer> {
  const creditId = transferEventId(t.id, 'credit');
  const reversalId = transferEventId(t.id, 'reversal');
  let debit = moved.debit;
  let credit = moved.settlement.credit?.events.find((e) => e.event_id === creditId);
  let reversal = moved.settlement.reversal?.events.find((e) => e.event_id === reversalId);
  if (moved.replayed || moved.settlement.credit?.result?.duplicate || moved.settlement.reversal?.result?.duplicate) {
    debit = (await stored(store, t.sender_account, moved.debit.event_id)) ?? debit;
    if (credit) credit = (await stored(store, t.receiver_account, creditId)) ?? credit;
    if (reversal) reversal = (await stored(store, t.sender_account, reversalId)) ?? reversal;
  }
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
    credited_amount: t.credited_amount,
    receiver_currency: t.receiver_currency,
    fx: t.fx,
    created_at: new Date(String(debit.metadata.occurred_at)),
    sender_balance_after: senderBalance,
    receiver_balance_after: t.receiver_owner_id === t.owner_id && receiverBalance !== undefined ? receiverBalance : null,
    position: moved.position,
  };
}
