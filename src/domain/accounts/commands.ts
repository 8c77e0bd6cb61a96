import type { Currency } from '../money/currency.js';
import type { AccountCloseReason, AccountType, FxApplied, HoldReleaseReason, TransferKind } from './events.js';

/** A debit and the settlement it owes (credit, fee, FX legs). */
export interface DebitTerms {
  transfer_id: string;
  kind: TransferKind;
  /** In the account's currency, fee excluded. */
  amount: bigint;
  fee: bigint;
  counterparty_account: string;
  /** In the receiver's currency. */
  credit_amount: bigint;
  fx: FxApplied | null;
  fee_account: string | null;
}

export type AccountCommand =
  | { type: 'OpenAccount'; account_number: string; owner_id: string; account_type: AccountType; currency: Currency }
  | { type: 'DepositFunds'; deposit_id: string; amount: bigint; reference: string }
  | {
      type: 'HoldFunds';
      transfer_id: string;
      kind: TransferKind;
      amount: bigint;
      fee: bigint;
      counterparty_account: string;
      expires_at: string;
    }
  | { type: 'ReleaseHold'; transfer_id: string; reason: HoldReleaseReason }
  | ({ type: 'DebitAccount' } & DebitTerms)
  /** Posts the transfer's hold as its debit; a frozen sender voids it instead. */
  | ({ type: 'PostHold' } & DebitTerms)
  | {
      type: 'CreditAccount';
      transfer_id: string;
      kind: TransferKind;
      amount: bigint;
      counterparty_account: string;
      fx: FxApplied | null;
    }
  | { type: 'PostFxPosition'; transfer_id: string; kind: TransferKind; amount: bigint }
  | { type: 'ReverseDebit'; transfer_id: string; amount: bigint; reason: string }
  | { type: 'FreezeAccount'; reason: string }
  | { type: 'UnfreezeAccount'; reason: string }
  | { type: 'CloseAccount'; reason: AccountCloseReason };
