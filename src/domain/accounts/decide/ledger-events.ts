import type { DebitTerms } from '../commands.js';
import type { AccountEvent, HoldReleaseReason } from '../events.js';
import type { Hold } from '../ledger-effect.js';
import { available, type AccountState } from '../state.js';

/** The debit event of a transfer (straight, or posted from its hold), with the balance after. */
export function debited(state: AccountState, t: DebitTerms, fromHold: boolean): AccountEvent {
  return {
    type: 'AccountDebited',
    data: {
      transfer_id: t.transfer_id,
      kind: t.kind,
      amount: t.amount.toString(),
      fee: t.fee.toString(),
      counterparty_account: t.counterparty_account,
      credit_amount: t.credit_amount.toString(),
      fx: t.fx,
      fee_account: t.fee_account,
      from_reservation: fromHold,
      balance_after: (state.balance - t.amount - t.fee).toString(),
    },
  };
}

/** A hold given back, whole. */
export function released(state: AccountState, transferId: string, hold: Hold, reason: HoldReleaseReason): AccountEvent {
  return {
    type: 'HoldReleased',
    data: {
      transfer_id: transferId,
      kind: hold.kind,
      amount: hold.total.toString(),
      reason,
      counterparty_account: hold.counterparty_account,
      balance_after: state.balance.toString(),
      available_after: (available(state) + hold.total).toString(),
    },
  };
}
