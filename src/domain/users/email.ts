/**
 * The login identifier: trimmed and lower-cased as a whole, so that
 * "Ann@Example.com" and "ann@example.com" are one user (the reference kept
 * the local part's case and then could not log such users in).
 */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
