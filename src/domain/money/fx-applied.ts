import type { FxApplied } from '../accounts/events.js';
import type { Conversion } from './fx.js';

/**
 * A conversion as the events store it (on AccountDebited, AccountCredited,
 * TransferRequested and BillPaid): exact rate, rounding, source amount, as
 * strings. Transfers and bill payments both record it.
 */
export function fxApplied(c: Conversion | null): FxApplied | null {
  if (!c) return null;
  return {
    from: c.from,
    to: c.to,
    rate: c.rate,
    rate_numerator: c.rate_numerator.toString(),
    rate_denominator: c.rate_denominator.toString(),
    rounding: c.rounding,
    source_amount: c.source_amount.toString(),
  };
}
