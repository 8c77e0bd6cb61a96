import { randomInt } from 'node:crypto';
import { isLuhnValid, luhnCheckDigit } from '../../domain/shared/luhn.js';
import type { Currency } from '../../domain/money/currency.js';

export function isValidAccountNumber(n: string): boolean {
  return /^[0-9]{12}$/.test(n) && isLuhnValid(n);
}

/** A customer account number: 12 digits, first 1–8, last a Luhn check digit (typos are caught). */
export function newAccountNumber(): string {
  let body = String(randomInt(1, 9));
  for (let i = 0; i < 10; i++) body += String(randomInt(0, 10));
  return body + luhnCheckDigit(body);
}

const CURRENCY_INDEX: Record<Currency, string> = { JOD: '1', USD: '2', EUR: '3' };

/** The bank's own accounts use numbers starting with 9, never given to customers. */
export const bankCashAccount = (c: Currency) => `90000000000${CURRENCY_INDEX[c]}`;
export const bankFeesAccount = (c: Currency) => `90000000001${CURRENCY_INDEX[c]}`;
export const bankFxAccount = (c: Currency) => `90000000002${CURRENCY_INDEX[c]}`;
