/**
 * Password rules (the reference's validators, minus its bugs): at least 8
 * characters, at most 128 (argon2 input stays bounded), not entirely numeric,
 * not a well-known password, not the email or close to it.
 */
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;

const COMMON = new Set([
  'password', 'password1', 'password123', 'passw0rd', 'p@ssw0rd', 'qwerty', 'qwertyuiop', 'qwerty123',
  'iloveyou', 'letmein', 'welcome', 'welcome1', 'abc12345', 'abcd1234', 'admin123', 'administrator',
  'football', 'baseball', 'sunshine', 'princess', 'dragon123', 'monkey123', 'trustno1', 'superman',
  'whatever', 'starwars', 'master123', 'changeme', 'asdfghjkl', 'zaq12wsx', '1q2w3e4r', '1qaz2wsx',
]);

export interface PasswordContext {
  email: string;
  first_name?: string;
  last_name?: string;
}

/** Every rule the password breaks, as messages; empty when it is acceptable. */
export function passwordProblems(password: string, context: PasswordContext): string[] {
  const problems: string[] = [];
  if (password.length < MIN_PASSWORD_LENGTH) {
    problems.push(`This password is too short. It must contain at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    problems.push(`This password is too long. It must contain at most ${MAX_PASSWORD_LENGTH} characters.`);
  }
  if (/^\d+$/.test(password)) problems.push('This password is entirely numeric.');
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) problems.push('This password is too common.');
  if (tooSimilar(lower, context)) problems.push('The password is too similar to the email or name.');
  return problems;
}

function tooSimilar(lower: string, context: PasswordContext): boolean {
  const email = context.email.trim().toLowerCase();
  const local = email.split('@')[0] ?? '';
  const attributes = [email, local, context.first_name ?? '', context.last_name ?? '']
    .map((a) => a.trim().toLowerCase())
    .filter((a) => a.length >= 3);
  return attributes.some((a) => lower === a || (a.length >= 4 && lower.includes(a) && a.length * 2 >= lower.length));
}
