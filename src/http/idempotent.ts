import { idempotencyReplays } from '../infra/metrics.js';
import type { Request } from 'express';
import { fingerprint, IdempotencyInProgressError, type IdempotencyStore, type StoredResponse } from '../commands/shared/idempotency.js';
import { principal } from './middleware/auth-guards.js';
import { HttpProblem } from './problem.js';

/** Seconds a client is asked to wait before retrying a key another request still holds. */
export const IN_PROGRESS_RETRY_AFTER_SECONDS = 1;

/** The request's Idempotency-Key (already checked against the contract), if any. */
export function idempotencyKey(req: Request): string | undefined {
  const key = req.headers['idempotency-key'];
  return typeof key === 'string' && key.length > 0 ? key : undefined;
}

/**
 * Runs a money-moving command at most once per (user, scope, key). `run`
 * receives the key (to derive deterministic ids) and returns the response.
 */
export async function runIdempotent(
  store: IdempotencyStore,
  req: Request,
  scope: string,
  run: (key: string | undefined) => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  const key = idempotencyKey(req);
  if (!key) return { ...(await run(undefined)), replayed: false };
  const userId = principal(req).user_id;
  const claim = await store.claim(userId, scope, key, fingerprint({ method: req.method, path: req.path, body: req.body ?? null })).catch((error: unknown) => {
    if (!(error instanceof IdempotencyInProgressError)) throw error;
    throw new HttpProblem(409, error.code, error.message, {}, { 'Retry-After': String(IN_PROGRESS_RETRY_AFTER_SECONDS) });
  });
  if (claim.kind === 'replay') {
    idempotencyReplays.inc();
    return { ...claim.response, replayed: true };
  }
  try {
    const response = await run(key);
    await store.complete(userId, scope, key, response);
    return { ...response, replayed: false };
  } catch (error) {
    // Nothing was acknowledged: effects are idempotent by deterministic ids, so a retry may run again at once.
    await store.releaseEventually(userId, scope, key);
    throw error;
  }
}
