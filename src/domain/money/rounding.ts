/**
 * numerator / denominator rounded to an integer, half to even (banker's
 * rounding). Both must be non-negative; denominator > 0.
 */
export function divideHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n || numerator < 0n) throw new RangeError('divideHalfEven takes a >= 0 numerator and a > 0 denominator');
  const quotient = numerator / denominator;
  const twiceRemainder = (numerator % denominator) * 2n;
  if (twiceRemainder > denominator) return quotient + 1n;
  if (twiceRemainder < denominator) return quotient;
  return quotient % 2n === 0n ? quotient : quotient + 1n;
}

export const ROUNDING = 'half_even' as const;
