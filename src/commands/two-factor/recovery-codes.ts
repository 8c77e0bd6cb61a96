import { createHash, randomInt } from 'node:crypto';
import type { CredentialStore } from '../credentials/credential-store.js';

/** Recovery codes given at enrolment. */
export const RECOVERY_CODE_COUNT = 10;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
/** xxxx-xxxx-xxxx-xxxx: 16 characters of 5 bits, 80 bits, too many to try against a leaked hash. */
const GROUPS = 4;
const GROUP = 4;
export const RECOVERY_CODE = /^[a-z2-7]{4}(-?[a-z2-7]{4}){3}$/i;

const normal = (code: string) => code.toLowerCase().replace(/-/g, '');
const digest = (code: string) => createHash('sha256').update(normal(code)).digest('hex');

function newRecoveryCode(): string {
  const groups = Array.from({ length: GROUPS }, () => Array.from({ length: GROUP }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''));
  return groups.join('-');
}

/** Fresh recovery codes for the user, replacing any older ones; only their SHA-256 is kept (kind `recovery_code`, slot = the hash). */
export async function replaceRecoveryCodes(credentials: CredentialStore, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await credentials.removeKind(userId, 'recovery_code');
  for (const code of codes) await credentials.put(userId, 'recovery_code', digest(code), digest(code));
  return codes;
}

/** Consumes one recovery code: true once; the same code never works again. */
export async function takeRecoveryCode(credentials: CredentialStore, userId: string, code: string): Promise<boolean> {
  if (!RECOVERY_CODE.test(code)) return false;
  const hash = digest(code);
  return credentials.take(userId, 'recovery_code', hash, hash);
}
