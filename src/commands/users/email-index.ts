import { createHmac } from 'node:crypto';
import { normalizeEmail } from '../../domain/users/email.js';
import type { Db } from '../../infra/db.js';

/** HMAC-SHA256 of the normalized email under the server's EMAIL_HASH_KEY (hex). */
export const emailHash = (key: Buffer, email: string): string => createHmac('sha256', key).update(normalizeEmail(email)).digest('hex');

export interface EmailClaim {
  user_id: string;
  claimed_at: Date;
}

/**
 * Which user has an email, keyed by an HMAC of the normalized email under
 * the server's EMAIL_HASH_KEY (never the email itself, and not computable by
 * whoever only guesses an email). A command-side table: the primary key makes
 * registrations of one email race to exactly one winner, and erasure deletes
 * the user's row, so nothing links the email to the erased id any more.
 */
export class EmailIndex {
  constructor(
    private readonly db: Db,
    private readonly key: Buffer,
  ) {}

  /** The keyed hash of the normalized email (hex). */
  hash(email: string): string {
    return emailHash(this.key, email);
  }

  /** Claims the email for `userId`; false when another user holds it. */
  async claim(email: string, userId: string): Promise<boolean> {
    const rows = await this.db.query(
      'insert into cmd.email_index (email_hash, user_id) values ($1, $2) on conflict (email_hash) do nothing returning 1',
      [this.hash(email), userId],
    );
    return rows.length > 0;
  }

  async find(email: string): Promise<EmailClaim | undefined> {
    const [row] = await this.db.query<{ user_id: string; claimed_at: Date | string }>(
      'select user_id, claimed_at from cmd.email_index where email_hash = $1',
      [this.hash(email)],
    );
    return row ? { user_id: row.user_id, claimed_at: new Date(row.claimed_at) } : undefined;
  }

  /** Hands a claim over from `fromUserId` (a registration that never completed) to `toUserId`. */
  async takeOver(email: string, fromUserId: string, toUserId: string): Promise<boolean> {
    const rows = await this.db.query(
      'update cmd.email_index set user_id = $3, claimed_at = now() where email_hash = $1 and user_id = $2 returning 1',
      [this.hash(email), fromUserId, toUserId],
    );
    return rows.length > 0;
  }

  /** Deletes the user's claim of this one email (the address they changed from, or a change that failed). */
  async releaseEmail(email: string, userId: string): Promise<void> {
    await this.db.query('delete from cmd.email_index where email_hash = $1 and user_id = $2', [this.hash(email), userId]);
  }

  /** Deletes the user's claims (a failed registration, an erasure). */
  async release(userId: string): Promise<void> {
    await this.db.query('delete from cmd.email_index where user_id = $1', [userId]);
  }
}
