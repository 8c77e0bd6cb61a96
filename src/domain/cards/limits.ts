import { majorUnits, type Currency } from '../money/currency.js';
import { DomainError } from '../shared/domain-error.js';

/** Spending limits in minor units of the account's currency. */
export interface CardLimits {
  daily_limit: bigint;
  monthly_limit: bigint;
}

export const defaultCardLimits = (currency: Currency): CardLimits => ({
  daily_limit: majorUnits(1_000, currency),
  monthly_limit: majorUnits(10_000, currency),
});

/** The highest limit a customer may set on a card. */
export const maxCardLimit = (currency: Currency): bigint => majorUnits(1_000_000, currency);

const invalid = (message: string, field: string) => new DomainError('invalid_card_limits', message, 422, { field });

/** Limits must be positive, within the ceiling, and the daily limit cannot exceed the monthly one. */
export function checkCardLimits(limits: CardLimits, currency: Currency): void {
  const max = maxCardLimit(currency);
  for (const field of ['daily_limit', 'monthly_limit'] as const) {
    if (limits[field] <= 0n) throw invalid(`${field} must be greater than zero.`, field);
    if (limits[field] > max) throw invalid(`${field} is above the highest card limit.`, field);
  }
  if (limits.daily_limit > limits.monthly_limit) throw invalid('daily_limit cannot exceed monthly_limit.', 'daily_limit');
}
