import { DomainError } from '../shared/domain-error.js';
import { EXPONENT, type Currency } from './currency.js';
import { divideHalfEven, ROUNDING } from './rounding.js';

/**
 * Reference rates of the original bank, exact: units of each currency per
 * 1 JOD. Cross rates are derived exactly (USD→EUR = 1.31 / 1.41) and every
 * conversion rounds once, half to even, to the target's minor unit.
 */
const PER_JOD: Record<Currency, { num: bigint; den: bigint }> = {
  JOD: { num: 1n, den: 1n },
  USD: { num: 141n, den: 100n },
  EUR: { num: 131n, den: 100n },
};

export const FX_RATE_SOURCE = 'nexus-reference-2026';

export interface Conversion {
  from: Currency;
  to: Currency;
  /** The exact rate as a fraction of target units per source unit. */
  rate_numerator: bigint;
  rate_denominator: bigint;
  /** The rate as a decimal string with 10 places, for display. */
  rate: string;
  rounding: typeof ROUNDING;
  source_amount: bigint;
  converted_amount: bigint;
}

function rateOf(from: Currency, to: Currency): { num: bigint; den: bigint } {
  const f = PER_JOD[from];
  const t = PER_JOD[to];
  // to per from = (to per JOD) / (from per JOD)
  return { num: t.num * f.den, den: t.den * f.num };
}

function decimal(num: bigint, den: bigint, places: number): string {
  const scaled = divideHalfEven(num * 10n ** BigInt(places), den).toString().padStart(places + 1, '0');
  return `${scaled.slice(0, -places)}.${scaled.slice(-places)}`;
}

/** Converts minor units of `from` into minor units of `to`. */
export function convert(amount: bigint, from: Currency, to: Currency): Conversion {
  if (amount < 0n) throw new DomainError('invalid_amount', 'Cannot convert a negative amount.', 400);
  const { num, den } = rateOf(from, to);
  const scaleFrom = 10n ** BigInt(EXPONENT[from]);
  const scaleTo = 10n ** BigInt(EXPONENT[to]);
  const converted = from === to ? amount : divideHalfEven(amount * num * scaleTo, den * scaleFrom);
  return {
    from,
    to,
    rate_numerator: num,
    rate_denominator: den,
    rate: decimal(num, den, 10),
    rounding: ROUNDING,
    source_amount: amount,
    converted_amount: converted,
  };
}
