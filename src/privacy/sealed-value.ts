import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { JsonValue } from '../eventstore/port.js';

/**
 * A personal field as stored in an event payload:
 * `pii:v1:<subject>:<base64url(iv ‖ ciphertext ‖ tag)>`, AES-256-GCM under the
 * subject's data key with the subject as additional data, over the field's
 * JSON. The subject in clear tells a reader which key opens it; once that key
 * is destroyed nobody can, and every reader shows ERASED instead.
 */
export const SEALED_PREFIX = 'pii:v1:';

/** What a personal field reads as once its key is destroyed (or a legacy clear one, once its user is erased). */
export const ERASED = '[erased]';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Random IVs taken from a pool filled by the CSPRNG 1,024 at a time (one randomBytes call per IV costs more than the cipher). */
let ivPool = Buffer.alloc(0);
let ivNext = 0;
function nextIv(): Buffer {
  if (ivNext + IV_BYTES > ivPool.length) {
    ivPool = randomBytes(IV_BYTES * 1024);
    ivNext = 0;
  }
  ivNext += IV_BYTES;
  return ivPool.subarray(ivNext - IV_BYTES, ivNext);
}

export const isSealed = (value: unknown): value is string => typeof value === 'string' && value.startsWith(SEALED_PREFIX);

export const isErased = (value: unknown): boolean => value === ERASED;

export function sealValue(key: Buffer, subject: string, value: JsonValue): string {
  const iv = nextIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(subject, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return `${SEALED_PREFIX}${subject}:${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
}

/** The subject whose key opens a sealed value. */
export function sealedSubject(sealed: string): string {
  const rest = sealed.slice(SEALED_PREFIX.length);
  return rest.slice(0, rest.lastIndexOf(':'));
}

/** The clear value; throws when the key is wrong or the text was altered. */
export function openValue(key: Buffer, sealed: string): JsonValue {
  const subject = sealedSubject(sealed);
  const raw = Buffer.from(sealed.slice(SEALED_PREFIX.length + subject.length + 1), 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(subject, 'utf8'));
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  const text = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  return JSON.parse(text) as JsonValue;
}
