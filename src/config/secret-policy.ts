/**
 * What a production secret must be: not a value anyone can read in this
 * repository (the old development default, the .env.example placeholders) and
 * not guessable (too short, too few distinct characters, a run such as
 * "abcdef…" or "000…", or a phrase that says it is a placeholder).
 */

/** Values published in this repository: never accepted in production. */
export const KNOWN_SECRETS: ReadonlySet<string> = new Set([
  'nexus-dev-only-secret-do-not-use-in-production-0123456789',
  'change-me-to-at-least-32-random-characters',
  'change-me-64-hex-characters-from-openssl-rand-hex-32',
  'e2e-secret-e2e-secret-e2e-secret-0123456789',
  'faults-secret-faults-secret-faults-0123456789',
  // The keys the end-to-end tests run with (tests/helpers/service.ts).
  'a3f1c0de5b7e49d2a8c61f0e9d3b7a45c2e8f14b6d09a7c3e5f2b8d1c4a6e903',
  '5e2d8b1f0c7a4e93b6d2f8a1c5e09b7d3f4a6c8e2b1d0f9a7c5e3b2d1f0a9c8e',
]);

const PLACEHOLDER_WORDS = ['change-me', 'changeme', 'change_me', 'example', 'placeholder', 'do-not-use', 'dev-only', 'replace-me', 'your-secret', 'secret-key'];

/** Least estimated entropy of a production secret, in bits. */
export const MIN_SECRET_BITS = 128;

/**
 * Entropy estimate of a secret's text: its length times the Shannon entropy
 * of its characters, minus what a run of repeated or consecutive characters
 * gives away (each such character counts as one bit).
 */
export function estimatedBits(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    perChar -= p * Math.log2(p);
  }
  let predictable = 0;
  for (let i = 1; i < text.length; i++) {
    const step = text.charCodeAt(i) - text.charCodeAt(i - 1);
    if (step === 0 || step === 1 || step === -1) predictable++;
  }
  return (text.length - predictable) * perChar + predictable;
}

/** Why `value` is unfit as a production secret, or null when it is fit. */
export function secretProblem(value: string, minLength: number): string | null {
  if (value.length < minLength) return `must be at least ${minLength} characters`;
  if (KNOWN_SECRETS.has(value)) return 'is a publicly known value (a development default or an .env.example placeholder)';
  const lower = value.toLowerCase();
  const word = PLACEHOLDER_WORDS.find((w) => lower.includes(w));
  if (word) return `looks like a placeholder (contains "${word}")`;
  if (estimatedBits(value) < MIN_SECRET_BITS) return `has too little entropy (under ${MIN_SECRET_BITS} bits): generate it randomly`;
  return null;
}
