import { randomInt } from 'node:crypto';
import type { Currency } from '../../domain/money/currency.js';

/** Luhn check digit of a string of digits. */
export function luhnDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

export function isValidAccountNumber(n: string): boolean {
  return /^[0-9]{12}$/.test(n) && luhnDigit(n.slice(0, 11)) === n[11];
}

/** A customer account number: 12 digits, first 1–8, last a Luhn check digit (typos are caught). */
export function newAccountNumber(): string {
  let body = String(randomInt(1, 9));
  for (let i = 0; i < 10; i++) body += String(randomInt(0, 10));
  return body + luhnDigit(body);
}

const CURRENCY_INDEX: Record<Currency, string> = { JOD: '1', USD: '2', EUR: '3' };

/** The bank's own accounts use numbers starting with 9, never given to customers. */
export const bankCashAccount = (c: Currency) => `90000000000${CURRENCY_INDEX[c]}`;
export const bankFeesAccount = (c: Currency) => `90000000001${CURRENCY_INDEX[c]}`;
export const bankFxAccount = (c: Currency) => `90000000002${CURRENCY_INDEX[c]}`;
