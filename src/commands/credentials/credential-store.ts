import type { Db } from '../../infra/db.js';

/**
 * Kinds of credential material: 'login_code' (a mailed login code's argon2id
 * hash, one slot per challenge), 'totp' (an authenticator secret, sealed
 * under the user's data key, since it must be read back), 'recovery_code'
 * (the SHA-256 of one random recovery code per slot).
 */
export type CredentialKind = 'password' | 'transfer_code' | 'password_reset' | 'activation' | 'email_reset' | 'login_code' | 'totp' | 'recovery_code';

export interface StoredCredential {
  secret: string;
  created_at: Date;
  expires_at: Date | null;
}

/**
 * The credentials store: password hashes, transfer-code hashes and the hashes
 * of one-time link nonces, kept in a mutable command-side table
 * (`cmd.credentials`) that no projection reads and no endpoint serves. Events
 * only say that a credential changed and which row is current (its slot);
 * the material itself can be replaced, consumed and deleted (on erasure).
 * A row is keyed by its subject (a user or transfer id), kind and slot.
 * `secret` is always a hash (argon2id, or SHA-256 of a random nonce), never
 * the clear secret.
 */
export class CredentialStore {
  constructor(private readonly db: Db) {}

  /** Stores (or replaces) a credential. */
  async put(subject: string, kind: CredentialKind, slot: string, secret: string, expiresAt: Date | null = null): Promise<void> {
    await this.db.query(
      `insert into cmd.credentials (subject, kind, slot, secret, expires_at) values ($1, $2, $3, $4, $5)
       on conflict (subject, kind, slot) do update set secret = excluded.secret, expires_at = excluded.expires_at, created_at = clock_timestamp()`,
      [subject, kind, slot, secret, expiresAt?.toISOString() ?? null],
    );
  }

  /** The credential in that slot unless it has expired. */
  async get(subject: string, kind: CredentialKind, slot = ''): Promise<StoredCredential | undefined> {
    const [row] = await this.db.query<{ secret: string; created_at: Date | string; expires_at: Date | string | null }>(
      `select secret, created_at, expires_at from cmd.credentials
        where subject = $1 and kind = $2 and slot = $3 and (expires_at is null or expires_at > now())`,
      [subject, kind, slot],
    );
    if (!row) return undefined;
    return { secret: row.secret, created_at: new Date(row.created_at), expires_at: row.expires_at === null ? null : new Date(row.expires_at) };
  }

  /**
   * Consumes a one-time credential: deletes the row when it holds exactly
   * `secret` and has not expired. True for the one caller that consumed it.
   */
  async take(subject: string, kind: CredentialKind, slot: string, secret: string): Promise<boolean> {
    const rows = await this.db.query(
      `delete from cmd.credentials where subject = $1 and kind = $2 and slot = $3 and secret = $4
         and (expires_at is null or expires_at > now()) returning 1`,
      [subject, kind, slot, secret],
    );
    return rows.length > 0;
  }

  /** Deletes the subject's other credentials of that kind stored before `slot`'s (superseded passwords). */
  async removeOlder(subject: string, kind: CredentialKind, slot: string): Promise<void> {
    await this.db.query(
      `delete from cmd.credentials c where c.subject = $1 and c.kind = $2 and c.slot <> $3
         and c.created_at < (select k.created_at from cmd.credentials k where k.subject = $1 and k.kind = $2 and k.slot = $3)`,
      [subject, kind, slot],
    );
  }

  /** Deletes one row (a credential whose command was refused, or that was replaced). */
  async remove(subject: string, kind: CredentialKind, slot: string): Promise<void> {
    await this.db.query('delete from cmd.credentials where subject = $1 and kind = $2 and slot = $3', [subject, kind, slot]);
  }

  /** Deletes every credential of that kind of the subject (an authenticator turned off, recovery codes replaced). */
  async removeKind(subject: string, kind: CredentialKind): Promise<void> {
    await this.db.query('delete from cmd.credentials where subject = $1 and kind = $2', [subject, kind]);
  }

  /** How many unexpired credentials of that kind the subject has. */
  async count(subject: string, kind: CredentialKind): Promise<number> {
    const [row] = await this.db.query<{ n: string | number }>(
      'select count(*) as n from cmd.credentials where subject = $1 and kind = $2 and (expires_at is null or expires_at > now())',
      [subject, kind],
    );
    return Number(row?.n ?? 0);
  }

  /** Deletes every credential of the subject (erasure). */
  async removeSubject(subject: string): Promise<void> {
    await this.db.query('delete from cmd.credentials where subject = $1', [subject]);
  }

  /** Deletes expired rows of a kind (run when a new one of that kind is stored). */
  async purgeExpired(kind: CredentialKind): Promise<void> {
    await this.db.query('delete from cmd.credentials where kind = $1 and expires_at < now()', [kind]);
  }
}
