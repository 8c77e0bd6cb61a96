import { randomInt } from 'node:crypto';
import argon2 from 'argon2';

/** A 6-digit code from the CSPRNG, leading zeros kept. */
export function newOtpCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/**
 * argon2id with its own salt: a fast hash of a 6-digit code would be reversed
 * in milliseconds by anyone who can read it (the credentials store keeps it,
 * and legacy events carried it). Cheap settings: it guards a code valid for
 * 5 minutes.
 */
export function hashOtp(code: string): Promise<string> {
  return argon2.hash(code, { type: argon2.argon2id, timeCost: 2, memoryCost: 19_456, parallelism: 1 });
}

export async function otpMatches(hash: string, code: string): Promise<boolean> {
  if (!/^[0-9]{6}$/.test(code)) return false;
  try {
    return await argon2.verify(hash, code);
  } catch {
    return false;
  }
}
