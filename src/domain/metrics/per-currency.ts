import { CURRENCIES, type Currency } from '../money/currency.js';
import { divideHalfEven } from '../money/rounding.js';

/**
 * Money per currency, in integer minor units. Currencies are never added
 * together: every supported currency has its own total, zero when unused.
 */
export type PerCurrency = Record<Currency, bigint>;

export function zeroPerCurrency(): PerCurrency {
  const out = {} as PerCurrency;
  for (const c of CURRENCIES) out[c] = 0n;
  return out;
}

export function addTo(totals: PerCurrency, currency: Currency, amount: bigint): void {
  totals[currency] += amount;
}

export function sumPerCurrency(a: PerCurrency, b: PerCurrency): PerCurrency {
  const out = zeroPerCurrency();
  for (const c of CURRENCIES) out[c] = a[c] + b[c];
  return out;
}

/** The mean amount per currency, rounded half to even to the minor unit; 0 where the count is 0. */
export function averagePerCurrency(totals: PerCurrency, counts: Record<Currency, number>): PerCurrency {
  const out = zeroPerCurrency();
  for (const c of CURRENCIES) {
    const n = BigInt(counts[c]);
    const total = totals[c];
    if (n === 0n) continue;
    out[c] = total < 0n ? -divideHalfEven(-total, n) : divideHalfEven(total, n);
  }
  return out;
}
