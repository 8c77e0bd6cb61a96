import { createHmac, hkdfSync, randomInt } from 'node:crypto';
import { ACCOUNT_DIGITS, composePan } from '../../domain/cards/pan.js';

/** A fresh Luhn-valid card number: the Nexus BIN, random digits from the CSPRNG, the check digit. */
export function generatePan(): string {
  let digits = '';
  for (let i = 0; i < ACCOUNT_DIGITS; i++) digits += String(randomInt(10));
  return composePan(digits);
}

/**
 * The key of the card-number HMAC, derived from the service secret with HKDF
 * and its own label, so it is never the JWT signing key itself.
 */
export function cardNumberKey(serviceSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', serviceSecret, 'nexus-bank', 'card-number-hmac-v1', 32));
}

/** HMAC-SHA256 of a card number: matches a presented number without storing it. */
export const panHash = (key: Buffer, pan: string): string => createHmac('sha256', key).update(pan).digest('hex');
