import { DomainError } from '../shared/domain-error.js';
import { EXPONENT, type Currency } from './currency.js';

/** Largest amount accepted anywhere: 15 integer digits. */
const MAX_INTEGER_DIGITS = 15;
const DECIMAL = /^(0|[1-9]\d*)(?:\.(\d+))?$/;

/**
 * Parses a decimal string ("125.50") into integer minor units of `currency`.
 * More decimals than the currency has is an error, never a silent rounding;
 * signs, exponents, spaces and empty strings are refused.
 */
export function parseAmount(text: unknown, currency: Currency, field = 'amount'): bigint {
  if (typeof text !== 'string') {
    throw new DomainError('invalid_amount', `${field} must be a decimal string such as "125.50".`, 400, { field });
  }
  const match = DECIMAL.exec(text);
  if (!match) {
    throw new DomainError('invalid_amount', `${field} must be a non-negative decimal such as "125.50".`, 400, { field });
  }
  const [, whole = '0', fraction = ''] = match;
  if (whole.length > MAX_INTEGER_DIGITS) {
    throw new DomainError('invalid_amount', `${field} has more than ${MAX_INTEGER_DIGITS} integer digits.`, 400, { field });
  }
  const exponent = EXPONENT[currency];
  if (fraction.length > exponent) {
    throw new DomainError(
      'amount_too_precise',
      `${field} has more than ${exponent} decimal places, the most ${currency} allows.`,
      400,
      { field, currency, max_decimals: exponent },
    );
  }
  return BigInt(whole + fraction.padEnd(exponent, '0'));
}

/** Minor units to the currency's decimal string: 125500n JOD → "125.500". */
export function formatAmount(minor: bigint, currency: Currency): string {
  const exponent = EXPONENT[currency];
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${negative ? '-' : ''}${whole}${exponent > 0 ? `.${fraction}` : ''}`;
}
