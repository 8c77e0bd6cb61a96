/**
 * Defence in depth for logs: no code path should log a secret, and this
 * masks one that does. Values under a secret-looking key (password, token,
 * otp, code, secret, authorization, …) at any depth are replaced, and so is
 * anything in any string that looks like a JWT, an argon2 hash, a bearer
 * credential, a mailed code or an encrypted personal field.
 */
export const REDACTED = '[redacted]';

const SECRET_KEY = /pass(word)?|secret|token|otp|nonce|authorization|cookie|^access$|^refresh$|_hash$|^hash$|master_?key|hash_?key|^mail$/i;
/** `code` is mostly an error code: masked only when it holds digits, as a mailed code does. */
const isSecretEntry = (key: string, v: unknown) =>
  (SECRET_KEY.test(key) && v !== null && v !== undefined && typeof v !== 'boolean' && typeof v !== 'number') ||
  (key === 'code' && /^\d{4,8}$/.test(String(v)));

const SECRET_TEXT: [RegExp, string][] = [
  [/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/g, REDACTED],
  [/\$argon2(?:id|i|d)\$[^\s"',]+/g, REDACTED],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/\b(code(?: is)?:?\s*)\d{6}\b/gi, `$1${REDACTED}`],
  [/pii:v1:[^\s"',]+/g, REDACTED],
  // An OAuth authorization code in a logged URL (the OIDC callback's query string).
  [/([?&]code=)[^&#\s"']+/g, `$1${REDACTED}`],
];

const MAX_DEPTH = 8;

export function scrubText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_TEXT) out = out.replace(pattern, replacement);
  return out;
}

/** A copy of `value` with secrets masked; errors keep their prototype (and so their serializer). */
export function scrub(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1, seen));
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  const copy = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
  const keys = value instanceof Error ? [...new Set(['message', 'stack', ...Object.keys(value)])] : Object.keys(value);
  for (const key of keys) {
    const v = (value as Record<string, unknown>)[key];
    copy[key] = isSecretEntry(key, v) ? REDACTED : scrub(v, depth + 1, seen);
  }
  return copy;
}
