import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { Db } from '../../infra/db.js';

export interface StoredResponse {
  status: number;
  body: unknown;
}

export type IdempotencyClaim =
  | { kind: 'new' }
  | { kind: 'replay'; response: StoredResponse };

/** How long a claim protects a request still running; a crashed holder's claim expires. */
const LEASE_SECONDS = 30;

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
 */
export class IdempotencyStore {
  constructor(private readonly db: Db) {}

  async claim(userId: string, scope: string, key: string, print: string): Promise<IdempotencyClaim> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await this.db.query(
        `insert into cmd.idempotency_keys (user_id, scope, key, fingerprint, state, lease_until)
         values ($1, $2, $3, $4, 'in_flight', now() + make_interval(secs => ${LEASE_SECONDS}))
         on conflict do nothing returning 1 as ok`,
        [userId, scope, key, print],
      );
      if (inserted.length > 0) return { kind: 'new' };
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
        throw new DomainError('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed.', 409);
      }
      const taken = await this.db.query(
        `update cmd.idempotency_keys set lease_until = now() + make_interval(secs => ${LEASE_SECONDS})
          where user_id = $1 and scope = $2 and key = $3 and state = 'in_flight' and lease_until < now()
          returning 1 as ok`,
        [userId, scope, key],
      );
      if (taken.length > 0) return { kind: 'new' };
    }
    throw new DomainError('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed.', 409);
  }

  async complete(userId: string, scope: string, key: string, response: StoredResponse): Promise<void> {
    await this.db.query(
      `update cmd.idempotency_keys set state = 'done', status = $4, response = $5
        where user_id = $1 and scope = $2 and key = $3`,
      [userId, scope, key, response.status, JSON.stringify(response.body)],
    );
  }

  async release(userId: string, scope: string, key: string): Promise<void> {
    await this.db.query(
      `delete from cmd.idempotency_keys where user_id = $1 and scope = $2 and key = $3 and state = 'in_flight'`,
      [userId, scope, key],
    );
  }
}
