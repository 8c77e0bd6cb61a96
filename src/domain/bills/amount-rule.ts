import { formatAmount } from '../money/amount.js';
import type { Currency } from '../money/currency.js';
import { convert, type Conversion } from '../money/fx.js';
import { perTransferLimit } from '../money/limits.js';
import { DomainError } from '../shared/domain-error.js';

/**
 * What a biller accepts, in the biller's own currency (minor units): a fixed
 * bill (the reference bank's billers) or any amount within a range.
 */
export type AmountRule =
  | { kind: 'fixed'; amount: bigint }
  | { kind: 'range'; min: bigint; max: bigint };

export interface BillQuote {
  /** Taken from the payer, in the payer's currency. */
  debit_amount: bigint;
  /** Received by the biller, in the biller's currency. */
  credit_amount: bigint;
  /** The conversion from the payer's to the biller's currency, when they differ. */
  conversion: Conversion | null;
}

const converted = (amount: bigint, from: Currency, to: Currency) => convert(amount, from, to).converted_amount;

/**
 * The smallest amount of `from` whose conversion reaches `target` of `to`:
 * what a payer in another currency pays for a fixed bill. Conversion is
 * monotonic, so start at the inverse conversion and step by one minor unit.
 */
export function smallestCovering(target: bigint, from: Currency, to: Currency): bigint {
  let amount = converted(target, to, from);
  for (let steps = 0; steps < 10_000; steps++) {
    if (converted(amount, from, to) < target) amount += 1n;
    else if (amount > 1n && converted(amount - 1n, from, to) >= target) amount -= 1n;
    else return amount;
  }
  throw new Error(`no amount of ${from} covers ${target} ${to}`);
}

/**
 * Prices a bill for a payer. The request's amount, if any, is in the payer's
 * currency. A fixed bill is owed in the biller's currency: a payer in another
 * currency pays the smallest amount that converts to at least the bill (the
 * conversion and its rate are stated, nothing is rounded silently), and a
 * stated amount must equal that price. A range bill takes the stated amount,
 * whose conversion must fall within the range. The debit is capped by the
 * per-transfer limit of the payer's currency.
 */
export function quoteBill(
  biller: { currency: Currency; amount_rule: AmountRule },
  payerCurrency: Currency,
  requested: bigint | undefined,
): BillQuote {
  if (requested !== undefined && requested <= 0n) {
    throw new DomainError('invalid_amount', 'amount must be greater than zero.', 400, { field: 'amount' });
  }
  const rule = biller.amount_rule;
  let debit: bigint;
  if (rule.kind === 'fixed') {
    debit = payerCurrency === biller.currency ? rule.amount : smallestCovering(rule.amount, payerCurrency, biller.currency);
    if (requested !== undefined && requested !== debit) {
      throw new DomainError('amount_mismatch', 'This biller takes a fixed amount; amount must equal it or be left out.', 422, {
        field: 'amount',
        expected: formatAmount(debit, payerCurrency),
        currency: payerCurrency,
      });
    }
  } else {
    if (requested === undefined) throw new DomainError('amount_required', 'This biller needs an amount.', 400, { field: 'amount' });
    debit = requested;
  }
  const conversion = payerCurrency === biller.currency ? null : convert(debit, payerCurrency, biller.currency);
  const credit = conversion ? conversion.converted_amount : debit;
  if (rule.kind === 'range' && (credit < rule.min || credit > rule.max)) {
    throw new DomainError('amount_out_of_range', 'amount is outside what this biller accepts.', 422, { field: 'amount' });
  }
  if (credit <= 0n) throw new DomainError('invalid_amount', 'amount is too small to convert.', 422, { field: 'amount' });
  if (debit > perTransferLimit(payerCurrency)) {
    throw new DomainError('limit_exceeded', 'The amount exceeds the per-transfer limit.', 422, {
      limit: formatAmount(perTransferLimit(payerCurrency), payerCurrency),
      currency: payerCurrency,
    });
  }
  return { debit_amount: debit, credit_amount: credit, conversion };
}
