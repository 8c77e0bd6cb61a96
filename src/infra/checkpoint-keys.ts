import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** A public key verify may check checkpoints with. */
export interface CheckpointKey {
  /** SHA-256 of the DER SubjectPublicKeyInfo, lowercase hex. */
  keyId: string;
  publicKey: KeyObject;
  /** SPKI PEM, as published and embedded in checkpoints. */
  publicPem: string;
}

/** The key that signs; the private half never leaves this object (no event, log line or answer shows it). */
export interface SigningKey extends CheckpointKey {
  privateKey: KeyObject;
}

export class CheckpointKeyError extends Error {
  override readonly name = 'CheckpointKeyError';
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

function describePublic(publicKey: KeyObject): CheckpointKey {
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new CheckpointKeyError(`not an Ed25519 key (${publicKey.asymmetricKeyType ?? 'unknown type'})`);
  return { keyId: keyIdOf(publicKey), publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** A public key from its SPKI PEM (a private key's PEM gives its public half). */
export function parsePublicKey(pem: string): CheckpointKey {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new CheckpointKeyError('not a PEM public key');
  }
  return describePublic(key);
}

/** An Ed25519 private key from its PKCS#8 PEM. */
export function parseSigningKey(pem: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new CheckpointKeyError('not a PEM (PKCS#8) private key');
  }
  return { ...describePublic(createPublicKey(privateKey)), privateKey };
}

/** A new Ed25519 private key, PKCS#8 PEM. */
export function newSigningKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Seeds published as examples (RFC 8032 §7.1 tests 1, 2, 3, 1024 and SHA(abc); RFC 8410 §10.3): anyone can sign with them. */
const PUBLISHED_SEEDS = new Set([
  '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
  '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
  'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
  'f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5',
  '833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42',
  'd4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842',
]);

/**
 * Why a key is a placeholder rather than a secret, or null: a seed published
 * as an example, or one too regular to be random (32 random bytes have about
 * 30 distinct values; fewer than 12 happens by chance far below once in 10^20).
 */
export function placeholderReason(key: SigningKey): string | null {
  const d = key.privateKey.export({ format: 'jwk' }).d;
  const seed = Buffer.from(d ?? '', 'base64url');
  if (PUBLISHED_SEEDS.has(seed.toString('hex'))) return 'it is a published example key';
  if (new Set(seed).size < 12) return 'its seed is not random (too few distinct bytes)';
  return null;
}
