import type { Currency } from '../money/currency.js';
import type { AccountType, FxApplied, TransferKind } from './events.js';

export type AccountCommand =
  | { type: 'OpenAccount'; account_number: string; owner_id: string; account_type: AccountType; currency: Currency }
  | { type: 'DepositFunds'; deposit_id: string; amount: bigint; reference: string }
  | { type: 'ReserveFunds'; transfer_id: string; amount: bigint }
  | { type: 'ReleaseReservation'; transfer_id: string; reason: string }
  | {
      type: 'DebitAccount';
      transfer_id: string;
      kind: TransferKind;
      amount: bigint;
      fee: bigint;
      counterparty_account: string;
      credit_amount: bigint;
      fx: FxApplied | null;
      fee_account: string | null;
      from_reservation: boolean;
    }
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
  | { type: 'UnfreezeAccount'; reason: string };
