import { divideHalfEven } from './rounding.js';

/** External transfers pay 1% of the amount, in the sender's currency, rounded half to even. */
export const EXTERNAL_FEE_BASIS_POINTS = 100n;

export function externalFee(amount: bigint): bigint {
  return divideHalfEven(amount * EXTERNAL_FEE_BASIS_POINTS, 10_000n);
}
