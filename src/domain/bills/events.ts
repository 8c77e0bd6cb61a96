import type { FxApplied } from '../accounts/events.js';
import type { Currency } from '../money/currency.js';
import type { DomainEvent } from '../shared/event.js';
import type { BillerCategory } from './billers.js';

/**
 * A bill payment, recorded once its money has moved (the money itself is the
 * payer's AccountDebited and the biller's AccountCredited, both carrying the
 * bill id as transfer id). Amounts are integer minor units as strings. A
 * recorded payment is immutable: no edit, no delete.
 */
export interface BillPaidData {
  [key: string]: string | FxApplied | null;
  bill_id: string;
  owner_id: string;
  biller_id: string;
  biller_name: string;
  category: BillerCategory;
  account_number: string;
  reference: string;
  /** Debited from the payer, in the payer's currency. */
  amount: string;
  currency: Currency;
  /** Credited to the biller, in the biller's currency. */
  credit_amount: string;
  biller_currency: Currency;
  biller_account: string;
  fx: FxApplied | null;
}

export type BillEvent = DomainEvent<'BillPaid', BillPaidData>;

export const billStream = (billId: string): string => `bill-${billId}`;
