import { formatAmount } from '../money/amount.js';
import type { Currency } from '../money/currency.js';
import { externalFee } from '../money/fees.js';
import { convert, type Conversion } from '../money/fx.js';
import { perTransferLimit, stepUpThreshold } from '../money/limits.js';
import { DomainError } from '../shared/domain-error.js';
import type { CustomerTransferKind } from './events.js';

export interface TransferQuote {
  /** Sender's currency, minor units. */
  amount: bigint;
  fee: bigint;
  /** Receiver's currency, minor units. */
  credit_amount: bigint;
  /** The conversion when the currencies differ (exact rate, half-even rounding), else null. */
  conversion: Conversion | null;
  /** Above the step-up threshold: money moves only after the emailed code. */
  needs_otp: boolean;
}

/**
 * Prices a transfer: the fee (1% for external, none for internal, in the
 * sender's currency), the credited amount (converted once, half to even, when
 * the currencies differ), the per-transfer cap (on amount + fee, in the
 * sender's currency) and whether the amount needs a one-time code.
 */
export function priceTransfer(kind: CustomerTransferKind, amount: bigint, from: Currency, to: Currency): TransferQuote {
  if (amount <= 0n) throw new DomainError('invalid_amount', 'amount must be greater than zero.', 400, { field: 'amount' });
  const fee = kind === 'external' ? externalFee(amount) : 0n;
  const limit = perTransferLimit(from);
  if (amount + fee > limit) {
    throw new DomainError('limit_exceeded', `The amount and fee exceed the per-transfer limit of ${formatAmount(limit, from)} ${from}.`, 422, {
      field: 'amount',
      limit: formatAmount(limit, from),
      currency: from,
    });
  }
  const conversion = from === to ? null : convert(amount, from, to);
  const credit = conversion ? conversion.converted_amount : amount;
  if (credit <= 0n) {
    throw new DomainError('amount_too_small', `amount converts to nothing in ${to}.`, 422, { field: 'amount' });
  }
  return { amount, fee, credit_amount: credit, conversion, needs_otp: amount > stepUpThreshold(from) };
}
