import { hashOtp, otpMatches } from '../transfers/otp-code.js';
import type { CredentialStore } from '../credentials/credential-store.js';

/**
 * The mailed codes of login challenges: only their argon2id hashes, in the
 * credentials store (kind `login_code`, one slot per challenge), never in an
 * event. A user has at most one: a new challenge deletes the older ones.
 */
export async function keepLoginCode(credentials: CredentialStore, userId: string, challengeId: string, code: string, expiresAt: Date): Promise<void> {
  await credentials.purgeExpired('login_code');
  await credentials.removeKind(userId, 'login_code');
  await credentials.put(userId, 'login_code', challengeId, await hashOtp(code), expiresAt);
}

/** Consumes the challenge's code when `code` is it and unexpired: true once, for one caller; the hash is gone afterwards. */
export async function takeLoginCode(credentials: CredentialStore, userId: string, challengeId: string, code: string): Promise<boolean> {
  const stored = await credentials.get(userId, 'login_code', challengeId);
  if (!stored || !(await otpMatches(stored.secret, code))) return false;
  return credentials.take(userId, 'login_code', challengeId, stored.secret);
}
