import { createHash, randomBytes } from 'node:crypto';
import type { CredentialStore } from '../credentials/credential-store.js';

/** The emailed links that a nonce makes single-use. */
export type LinkKind = 'activation' | 'password_reset' | 'email_reset';

const digest = (nonce: string) => createHash('sha256').update(nonce).digest('hex');

/**
 * A fresh random nonce for a user's link of this kind, whose hash replaces the
 * previous one in the credentials store: the newest link supersedes the older.
 * The signed token carries the nonce, so even a forger with the signing key
 * cannot make a link the store accepts.
 */
export async function issueLinkNonce(credentials: CredentialStore, userId: string, kind: LinkKind, ttlSeconds: number, now: Date): Promise<string> {
  const nonce = randomBytes(32).toString('base64url');
  await credentials.put(userId, kind, '', digest(nonce), new Date(now.getTime() + ttlSeconds * 1000));
  return nonce;
}

/** Consumes the link's nonce: true once, for the newest unexpired link; false when used, superseded or forged. */
export function consumeLinkNonce(credentials: CredentialStore, userId: string, kind: LinkKind, nonce: string | undefined): Promise<boolean> {
  if (!nonce) return Promise.resolve(false);
  return credentials.take(userId, kind, '', digest(nonce));
}
