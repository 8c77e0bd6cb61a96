import type { RequestHandler, Response } from 'express';
import { fingerprint, type IdempotencyStore, type StoredResponse } from '../../commands/shared/idempotency.js';
import { idempotencyReplays } from '../../infra/metrics.js';
import { idempotencyKey } from '../idempotent.js';
import { matchedOperation } from '../openapi/matched-operation.js';

/**
 * Idempotency-Key on every operation whose contract declares the key and
 * leaves it to the service (idempotency `service`; the bundle declares it on
 * every authenticated POST, PATCH and DELETE, and `x-idempotency: route` marks
 * those whose routes run the key themselves with runIdempotent): the
 * first request with a key runs and its 2xx answer is kept; a retry with the
 * same key and body gets that answer again (Idempotent-Replayed: true), with
 * another body 422, while the first still runs 409 with Retry-After. A refusal
 * (4xx) or failure keeps nothing, so a retry runs again. Anonymous requests
 * (sign-in, registration) do not take keys: a stored answer there could hand
 * one client's tokens to another who guessed the key.
 */
export function idempotentCommands(store: IdempotencyStore): RequestHandler {
  return (req, res, next) => {
    const entry = matchedOperation(res)?.entry;
    if (entry?.idempotency !== 'service') return next();
    const key = idempotencyKey(req);
    const userId = req.principal?.user_id;
    if (!key || !userId) return next();
    const scope = `${req.method} ${entry.template}`;
    void (async () => {
      const claim = await store.claim(userId, scope, key, fingerprint({ method: req.method, path: req.path, body: req.body ?? null }));
      if (claim.kind === 'replay') {
        idempotencyReplays.inc();
        res.setHeader('Idempotent-Replayed', 'true');
        sendStored(res, claim.response);
        return;
      }
      keepAnswer(res, (answer) => (answer ? store.complete(userId, scope, key, answer) : store.releaseEventually(userId, scope, key)));
      next();
    })().catch(next);
  };
}

function sendStored(res: Response, answer: StoredResponse): void {
  if (answer.body === null && answer.status === 204) res.status(204).end();
  else res.status(answer.status).json(answer.body);
}

/**
 * Calls `settle` once with the 2xx answer the route sends (a JSON body or an
 * empty 204), before it goes out; with undefined for anything else.
 */
function keepAnswer(res: Response, settle: (answer: StoredResponse | undefined) => Promise<void>): void {
  let settled = false;
  const once = (answer: StoredResponse | undefined) => {
    if (settled) return Promise.resolve();
    settled = true;
    return settle(answer);
  };
  const json = res.json.bind(res);
  res.json = (body: unknown) => {
    const status = res.statusCode;
    if (status >= 200 && status < 300) {
      // Stored before it is sent, so a client that saw it can always get it again. Should storing
      // fail, the answer still goes out: the claim then runs out and a retry runs the command again.
      void once({ status, body })
        .catch(() => undefined)
        .then(() => json(body));
      return res;
    }
    return json(body);
  };
  res.once('finish', () => {
    if (res.statusCode === 204) void once({ status: 204, body: null }).catch(() => undefined);
    else void once(undefined).catch(() => undefined);
  });
  res.once('close', () => void once(undefined).catch(() => undefined));
}
