import { idempotencyReplays } from '../infra/metrics.js';
import type { Request } from 'express';
import { fingerprint, type IdempotencyStore, type StoredResponse } from '../commands/shared/idempotency.js';
import { principal } from './middleware/auth-guards.js';
import { matchedOperation } from './openapi/matched-operation.js';

/** The request's Idempotency-Key (already checked against the contract), if any. */
export function idempotencyKey(req: Request): string | undefined {
  const key = req.headers['idempotency-key'];
  return typeof key === 'string' && key.length > 0 ? key : undefined;
}

export interface RunIdempotentOptions {
  /**
   * True when `run` derives every id it writes from the key, so that a retry
   * whose record was lost answers from the events the first attempt stored:
   * the record then commits without waiting for the WAL flush, leaving the
   * command's events its only durable commit.
   */
  replaysFromEvents?: boolean;
}

/**
 * Runs a money-moving command at most once per (user, scope, key). `run`
 * receives the key (to derive deterministic ids) and returns the response.
 * Only for operations whose contract says `x-idempotency: route`.
 */
export async function runIdempotent(
  store: IdempotencyStore,
  req: Request,
  scope: string,
  run: (key: string | undefined) => Promise<StoredResponse>,
  options: RunIdempotentOptions = {},
): Promise<StoredResponse & { replayed: boolean }> {
  // The contract says who runs the key: a route may only when its operation says so, else the
  // service's middleware would claim the same key too (or, unmarked, a key would go unkept).
  const matched = req.res ? matchedOperation(req.res) : undefined;
  if (!matched || matched.entry.idempotency !== 'route') throw new Error(`${req.method} ${req.path} runs its Idempotency-Key in the route, but its contract operation does not say x-idempotency: route`);
  const key = idempotencyKey(req);
  if (!key) return { ...(await run(undefined)), replayed: false };
  const userId = principal(req).user_id;
  const claim = await store.claim(userId, scope, key, fingerprint({ method: req.method, path: req.path, body: req.body ?? null }));
  if (claim.kind === 'replay') {
    idempotencyReplays.inc();
    return { ...claim.response, replayed: true };
  }
  try {
    const response = await run(key);
    await store.complete(userId, scope, key, response, { durable: options.replaysFromEvents !== true });
    return { ...response, replayed: false };
  } catch (error) {
    // Nothing was acknowledged: effects are idempotent by deterministic ids, so a retry may run again at once.
    await store.releaseEventually(userId, scope, key);
    throw error;
  }
}
