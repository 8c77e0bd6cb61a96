import { luhnCheckDigit, isLuhnValid } from '../shared/luhn.js';

/** Nexus Bank's issuer identification number (a Visa-range BIN). */
export const NEXUS_BIN = '489317';
export const CARD_BRAND = 'VISA';
export const PAN_LENGTH = 16;
/** Random digits between the BIN and the check digit. */
export const ACCOUNT_DIGITS = PAN_LENGTH - NEXUS_BIN.length - 1;

/** A full card number from the account-identifier digits: BIN + digits + Luhn check digit. */
export function composePan(accountDigits: string): string {
  if (!new RegExp(`^\\d{${ACCOUNT_DIGITS}}$`).test(accountDigits)) {
    throw new RangeError(`composePan needs exactly ${ACCOUNT_DIGITS} digits`);
  }
  const body = NEXUS_BIN + accountDigits;
  return body + luhnCheckDigit(body);
}

/** A number this bank could have issued: right length, our BIN, valid check digit. */
export function isNexusPan(pan: string): boolean {
  return pan.length === PAN_LENGTH && pan.startsWith(NEXUS_BIN) && isLuhnValid(pan);
}

/** What the API shows instead of the number. */
export const maskedPan = (last4: string): string => `**** **** **** ${last4}`;
