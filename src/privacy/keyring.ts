import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Db } from '../infra/db.js';

/** Unwrapped keys kept in memory, and for how long (an erasure by another process is seen within it). */
const CACHE_LIMIT = 20_000;
const CACHE_TTL_MS = 60_000;

interface Cached {
  key: Buffer;
  at: number;
}

/**
 * Per-subject data keys (AES-256), envelope-encrypted: each is stored wrapped
 * by the master key (AES-256-GCM, the subject as additional data) in
 * `cmd.data_keys`, outside the event log. Destroying a key (erasure) deletes
 * its wrapped bytes and leaves a tombstone, so the subject can never get a
 * new key and readers know it was erased rather than never had one.
 */
export class Keyring {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly db: Db,
    private readonly masterKey: Buffer,
  ) {}

  /** The subject's key, made on first use; null once the subject is erased. */
  async keyFor(subject: string): Promise<Buffer | null> {
    const cached = this.cached(subject);
    if (cached) return cached;
    const key = randomBytes(32);
    await this.db.query('insert into cmd.data_keys (subject, wrapped) values ($1, $2) on conflict (subject) do nothing', [subject, this.wrap(subject, key)]);
    return (await this.keys([subject])).get(subject) ?? null;
  }

  /**
   * The existing keys of these subjects (missing: none, or erased). `fresh`
   * skips the memory, for views that must show an erasure at once even when
   * another process did it.
   */
  async keys(subjects: Iterable<string>, options: { fresh?: boolean } = {}): Promise<Map<string, Buffer>> {
    const found = new Map<string, Buffer>();
    const wanted: string[] = [];
    for (const s of new Set(subjects)) {
      const cached = options.fresh ? undefined : this.cached(s);
      if (cached) found.set(s, cached);
      else wanted.push(s);
    }
    if (wanted.length === 0) return found;
    const rows = await this.db.query<{ subject: string; wrapped: string }>(
      'select subject, wrapped from cmd.data_keys where subject = any($1::text[]) and wrapped is not null',
      [wanted],
    );
    for (const row of rows) {
      const key = this.unwrap(row.subject, row.wrapped);
      found.set(row.subject, key);
      this.remember(row.subject, key);
    }
    return found;
  }

  /** Which of these subjects were erased (tombstoned). */
  async erased(subjects: Iterable<string>): Promise<Set<string>> {
    const list = [...new Set(subjects)];
    if (list.length === 0) return new Set();
    const rows = await this.db.query<{ subject: string }>('select subject from cmd.data_keys where subject = any($1::text[]) and erased_at is not null', [list]);
    return new Set(rows.map((r) => r.subject));
  }

  /** Destroys the subject's key for good (crypto-shredding); idempotent. */
  async destroy(subject: string): Promise<void> {
    await this.db.query(
      `insert into cmd.data_keys (subject, wrapped, erased_at) values ($1, null, now())
       on conflict (subject) do update set wrapped = null, erased_at = coalesce(cmd.data_keys.erased_at, now())`,
      [subject],
    );
    this.forget(subject);
  }

  /** Destroys the month keys (`anon-YYYY-MM`) of months before `month` (YYYY-MM); their subjects. */
  async destroyAnonymousBefore(month: string): Promise<string[]> {
    const rows = await this.db.query<{ subject: string }>(
      `select subject from cmd.data_keys where subject ~ '^anon-[0-9]{4}-[0-9]{2}$' and subject < $1 and wrapped is not null order by subject`,
      [`anon-${month}`],
    );
    for (const row of rows) await this.destroy(row.subject);
    return rows.map((r) => r.subject);
  }

  /** Drops a key from memory (its subject was erased, maybe by another process). */
  forget(subject: string): void {
    this.cache.delete(subject);
  }

  private cached(subject: string): Buffer | undefined {
    const hit = this.cache.get(subject);
    if (!hit) return undefined;
    if (Date.now() - hit.at > CACHE_TTL_MS) {
      this.cache.delete(subject);
      return undefined;
    }
    return hit.key;
  }

  private remember(subject: string, key: Buffer): void {
    this.cache.delete(subject);
    this.cache.set(subject, { key, at: Date.now() });
    if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
  }

  private wrap(subject: string, key: Buffer): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.masterKey, iv);
    cipher.setAAD(Buffer.from(subject, 'utf8'));
    const body = Buffer.concat([cipher.update(key), cipher.final(), cipher.getAuthTag()]);
    return `v1:${iv.toString('base64url')}:${body.toString('base64url')}`;
  }

  private unwrap(subject: string, wrapped: string): Buffer {
    const [version, iv, body] = wrapped.split(':');
    if (version !== 'v1' || !iv || !body) throw new Error(`data key of ${subject} has an unknown format`);
    const raw = Buffer.from(body, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.masterKey, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(subject, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    try {
      return Buffer.concat([decipher.update(raw.subarray(0, raw.length - 16)), decipher.final()]);
    } catch {
      throw new Error(`the data key of ${subject} does not open with DATA_MASTER_KEY (was the master key changed?)`);
    }
  }
}
