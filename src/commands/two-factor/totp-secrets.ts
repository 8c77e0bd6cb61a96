import { generateSecret, generateURI, verify } from 'otplib';
import type { Keyring } from '../../privacy/keyring.js';
import { openValue, sealValue } from '../../privacy/sealed-value.js';
import type { CredentialStore } from '../credentials/credential-store.js';

const ISSUER = 'Nexus Bank';
/** A code of the step before or after the current one still counts (clocks drift, people type slowly). */
const TOLERANCE_SECONDS = 30;
export const TOTP_CODE = /^[0-9]{6}$/;

/**
 * Authenticator-app secrets (RFC 6238 through otplib: SHA-1, 6 digits, 30 s).
 * The secret has to be read back to check a code, so it is not hashed but
 * sealed (AES-256-GCM) under the user's data key from the keyring, which
 * DATA_MASTER_KEY wraps, and kept in the credentials store (kind `totp`, slot
 * = the credential id the events name). Erasing the user destroys that key.
 */
export async function newTotpSecret(keyring: Keyring, credentials: CredentialStore, userId: string, credentialId: string): Promise<string> {
  const key = await keyring.keyFor(userId);
  if (!key) throw new Error('the user was erased');
  const secret = generateSecret();
  await credentials.put(userId, 'totp', credentialId, sealValue(key, userId, secret));
  return secret;
}

/** The clear secret of that credential, or undefined when it is gone (or its key is). */
export async function openTotpSecret(keyring: Keyring, credentials: CredentialStore, userId: string, credentialId: string): Promise<string | undefined> {
  const stored = await credentials.get(userId, 'totp', credentialId);
  const key = stored ? (await keyring.keys([userId])).get(userId) : undefined;
  if (!stored || !key) return undefined;
  const secret = openValue(key, stored.secret);
  return typeof secret === 'string' ? secret : undefined;
}

/** The RFC 6238 time step of `code` when it is right now and newer than `afterTimeStep` (a used step never works again); null otherwise. */
export async function totpStepOf(secret: string, code: string, afterTimeStep: number, now: Date): Promise<number | null> {
  if (!TOTP_CODE.test(code)) return null;
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    epochTolerance: TOLERANCE_SECONDS,
    ...(afterTimeStep > 0 ? { afterTimeStep } : {}),
  }).catch(() => undefined);
  return result?.valid && 'timeStep' in result ? result.timeStep : null;
}

/** The otpauth:// URI an authenticator app reads (from its QR code). */
export const totpUri = (secret: string, account: string): string => generateURI({ issuer: ISSUER, label: account, secret });
