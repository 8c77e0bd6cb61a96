import { DomainError } from '../shared/domain-error.js';

export const CURRENCIES = ['JOD', 'USD', 'EUR'] as const;
export type Currency = (typeof CURRENCIES)[number];

/** ISO 4217 minor units: JOD has 3 decimals (fils), USD and EUR 2 (cents). */
export const EXPONENT: Record<Currency, number> = { JOD: 3, USD: 2, EUR: 2 };

export function isCurrency(value: unknown): value is Currency {
  return typeof value === 'string' && (CURRENCIES as readonly string[]).includes(value);
}

export function assertCurrency(value: string): Currency {
  if (!isCurrency(value)) throw new DomainError('unsupported_currency', `"${value}" is not a supported currency.`, 400);
  return value;
}

/** 10^exponent as a bigint: the number of minor units in one major unit. */
export function unitScale(currency: Currency): bigint {
  return 10n ** BigInt(EXPONENT[currency]);
}

/** A whole number of major units in minor units: majorUnits(500, 'JOD') = 500000n. */
export function majorUnits(amount: number, currency: Currency): bigint {
  return BigInt(amount) * unitScale(currency);
}
