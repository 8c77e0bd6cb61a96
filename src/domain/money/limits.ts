import { majorUnits, type Currency } from './currency.js';

/** Per-transfer cap on amount + fee, in each currency's own units. */
export function perTransferLimit(currency: Currency): bigint {
  return majorUnits(10_000, currency);
}

/** Transfers above this amount need a one-time code sent by email. */
export function stepUpThreshold(currency: Currency): bigint {
  return majorUnits(500, currency);
}
