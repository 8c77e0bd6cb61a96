import { randomUUID } from 'node:crypto';
import argon2 from 'argon2';
import { DomainError } from '../../domain/shared/domain-error.js';
import { passwordProblems, type PasswordContext } from '../../domain/users/password-policy.js';
import type { UserState } from '../../domain/users/state.js';
import type { CredentialStore } from '../credentials/credential-store.js';

/** argon2id; the library's defaults (t=3, m=64 MiB, p=4) cost about 28 ms a check. */
export async function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

/**
 * Hashes a new password into the credentials store under a fresh credential
 * id, which the event that makes it current (UserRegistered, PasswordChanged)
 * names. Until that event is appended the row is unused, so a command that
 * loses a race leaves at most an orphan row, never a wrong current password.
 */
export async function storePassword(credentials: CredentialStore, userId: string, password: string): Promise<string> {
  const credentialId = randomUUID();
  await credentials.put(userId, 'password', credentialId, await hashPassword(password));
  return credentialId;
}

/** The current password hash: the store's row the state names, or the hash a legacy event carried. */
export async function currentPasswordHash(credentials: CredentialStore, user: UserState): Promise<string | undefined> {
  if (!user.exists || user.erased) return undefined;
  if (user.credential_id) return (await credentials.get(user.user_id, 'password', user.credential_id))?.secret;
  return user.legacy_password_hash || undefined;
}

/** Deletes the hashes a newly current password superseded. */
export async function forgetOlderPasswords(credentials: CredentialStore, userId: string, credentialId: string): Promise<void> {
  await credentials.removeOlder(userId, 'password', credentialId);
}

let dummyHash: Promise<string> | undefined;

/**
 * Checks a password against a stored hash. Without a hash (unknown email) it
 * checks against a dummy so both cases take the same time.
 */
export async function verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
  if (!hash) {
    dummyHash ??= hashPassword('dummy password for timing equality');
    await argon2.verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** 400 weak_password listing every broken rule, before any hashing is spent. */
export function assertStrongPassword(password: string, context: PasswordContext, field = 'body.password'): void {
  const problems = passwordProblems(password, context);
  if (problems.length > 0) {
    throw new DomainError('weak_password', problems[0]!, 400, { errors: problems.map((message) => ({ field, message })) });
  }
}

/** 400 password_mismatch when a retype was sent and differs. */
export function assertRetype(password: string, retype: string | undefined, field: string): void {
  if (retype !== undefined && retype !== password) {
    throw new DomainError('password_mismatch', "The two password fields didn't match.", 400, {
      errors: [{ field, message: "The two password fields didn't match." }],
    });
  }
}
