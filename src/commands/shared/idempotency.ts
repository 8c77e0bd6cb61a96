import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { Db } from '../../infra/db.js';
import { ServiceStoppingError } from '../../infra/database-unavailable.js';

export interface StoredResponse {
  status: number;
  body: unknown;
}

export type IdempotencyClaim =
  | { kind: 'new' }
  | { kind: 'replay'; response: StoredResponse };

/**
 * How long a claim protects a request still running. A process that stops
 * releases the claims it holds; the claim of a killed one expires after this.
 */
export const LEASE_SECONDS = 15;

/**
 * Wraps one statement so that its transaction commits without waiting for the
 * WAL flush (synchronous_commit off for that transaction only: set_config's
 * local setting lasts until the statement's own transaction ends). The row is
 * visible to every other session at once; only its survival of a crash of the
 * database within a fraction of a second is given up, and the next durable
 * commit of the same server (the command's events) flushes it anyway.
 */
const NOT_AWAITING_FLUSH = `(select set_config('synchronous_commit', 'off', true)) as not_awaiting_flush`;

/** Thrown when another request holds the key; the HTTP layer answers 409 with Retry-After. */
export class IdempotencyInProgressError extends DomainError {
  constructor() {
    super('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed.', 409);
  }
}

export function fingerprint(parts: unknown): string {
  return createHash('sha256').update(canonicalize(parts) ?? '').digest('hex');
}

/**
 * The service's own idempotency record, scoped by user and endpoint. Claim a
 * key before the effect, complete it with the response after. A retry with
 * the same body replays the stored response; another body is a 422; a retry
 * while the first still runs is a 409. A business rejection releases the key
 * (nothing changed, so the retry may run again, e.g. after a top-up). The
 * effect itself is made idempotent by deterministic event ids derived from the
 * key, so a crash between the effect and `complete` is repaired by the retry.
 * `close()` (at shutdown, before the pools close) releases the claims this
 * process still holds, so a retry against another or a restarted process
 * proceeds at once, and refuses new claims.
 *
 * Commits: a claim, a takeover and a release do not wait for the WAL flush.
 * A claim lost in a crash is a claim whose process died, which a retry may
 * take anyway; the events the command appends are durable and flush it with
 * them. `complete` waits for the flush unless the caller says the effect
 * replays from its own events (`durable: false`: deterministic event ids, so a
 * retry after a lost record answers from what is stored), which leaves a
 * transfer, a bill payment or a deposit one durable commit: its events'.
 */
export class IdempotencyStore {
  /** Claims this process holds and has neither completed nor released. */
  private readonly held = new Map<string, [string, string, string]>();
  private closed = false;

  constructor(private readonly db: Db) {}

  private hold(userId: string, scope: string, key: string): IdempotencyClaim {
    this.held.set(JSON.stringify([userId, scope, key]), [userId, scope, key]);
    return { kind: 'new' };
  }

  private forget(userId: string, scope: string, key: string): void {
    this.held.delete(JSON.stringify([userId, scope, key]));
  }

  /** Releases every claim still held (their requests never answered) and refuses new ones. */
  async close(): Promise<number> {
    this.closed = true;
    const claims = [...this.held.values()];
    await Promise.all(claims.map(([userId, scope, key]) => this.release(userId, scope, key)));
    return claims.length;
  }

  async claim(userId: string, scope: string, key: string, print: string): Promise<IdempotencyClaim> {
    if (this.closed) throw new ServiceStoppingError('idempotency claim');
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await this.db.query(
        `insert into cmd.idempotency_keys (user_id, scope, key, fingerprint, state, lease_until)
         select $1, $2, $3, $4, 'in_flight', now() + make_interval(secs => ${LEASE_SECONDS}) from ${NOT_AWAITING_FLUSH}
         on conflict do nothing returning 1 as ok`,
        [userId, scope, key, print],
      );
      if (inserted.length > 0) return this.hold(userId, scope, key);
      const rows = await this.db.query<{ fingerprint: string; state: string; status: number | null; response: string | null; expired: boolean }>(
        `select fingerprint, state, status, response, lease_until < now() as expired
           from cmd.idempotency_keys where user_id = $1 and scope = $2 and key = $3`,
        [userId, scope, key],
      );
      const row = rows[0];
      if (!row) continue; // released meanwhile: claim again
      if (row.fingerprint !== print) {
        throw new DomainError('idempotency_key_reused', 'This Idempotency-Key was used with a different request body.', 422);
      }
      if (row.state === 'done') {
        return { kind: 'replay', response: { status: row.status ?? 200, body: JSON.parse(row.response ?? 'null') } };
      }
      if (!row.expired) {
        throw new IdempotencyInProgressError();
      }
      const taken = await this.db.query(
        `update cmd.idempotency_keys set lease_until = now() + make_interval(secs => ${LEASE_SECONDS})
           from ${NOT_AWAITING_FLUSH}
          where user_id = $1 and scope = $2 and key = $3 and state = 'in_flight' and lease_until < now()
          returning 1 as ok`,
        [userId, scope, key],
      );
      if (taken.length > 0) return this.hold(userId, scope, key);
    }
    throw new IdempotencyInProgressError();
  }

  /**
   * Keeps the answer for replays. `durable: false` only where the effect
   * replays from its own stored events (see the class comment).
   */
  async complete(userId: string, scope: string, key: string, response: StoredResponse, options: { durable?: boolean } = {}): Promise<void> {
    await this.db.query(
      `update cmd.idempotency_keys set state = 'done', status = $4, response = $5
         ${options.durable === false ? `from ${NOT_AWAITING_FLUSH}` : ''}
        where user_id = $1 and scope = $2 and key = $3`,
      [userId, scope, key, response.status, JSON.stringify(response.body)],
    );
    this.forget(userId, scope, key);
  }

  /**
   * Releases a claim whose request failed. When the database cannot be
   * reached now (the usual reason the request failed), it keeps trying in the
   * background until it can, for as long as the claim would last anyway; the
   * promise settles with the first attempt and never rejects.
   */
  async releaseEventually(userId: string, scope: string, key: string): Promise<void> {
    const until = Date.now() + LEASE_SECONDS * 1000;
    const retry = (delayMs: number) => {
      if (this.closed || Date.now() + delayMs > until) return;
      setTimeout(() => void this.release(userId, scope, key).catch(() => retry(Math.min(delayMs * 2, 2_000))), delayMs).unref();
    };
    await this.release(userId, scope, key).catch(() => retry(250));
  }

  async release(userId: string, scope: string, key: string): Promise<void> {
    await this.db.query(
      `delete from cmd.idempotency_keys using ${NOT_AWAITING_FLUSH}
        where user_id = $1 and scope = $2 and key = $3 and state = 'in_flight'`,
      [userId, scope, key],
    );
    this.forget(userId, scope, key);
  }
}
