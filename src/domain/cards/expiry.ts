/** Cards are valid for this many years, to the end of the expiry month. */
export const CARD_VALIDITY_YEARS = 5;

export interface CardExpiry {
  year: number;
  month: number; // 1..12
}

/**
 * Expiry month of a card issued at `issuedAt` (UTC). Month arithmetic only, so
 * a card issued on 29 February simply expires at the end of February.
 */
export function expiryFor(issuedAt: Date, years = CARD_VALIDITY_YEARS): CardExpiry {
  return { year: issuedAt.getUTCFullYear() + years, month: issuedAt.getUTCMonth() + 1 };
}

/** Last calendar day of the expiry month, "YYYY-MM-DD". */
export function expirationDate(expiry: CardExpiry): string {
  const lastDay = new Date(Date.UTC(expiry.year, expiry.month, 0)).getUTCDate();
  return `${String(expiry.year).padStart(4, '0')}-${String(expiry.month).padStart(2, '0')}-${String(lastDay).padStart(2, '0')}`;
}

/** A card is usable up to and including the last day of its expiry month (UTC). */
export function isExpired(expiry: CardExpiry, now: Date): boolean {
  const firstInstantAfter = Date.UTC(expiry.year, expiry.month, 1);
  return now.getTime() >= firstInstantAfter;
}
