import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { redactApiKey } from '../../domain/security/api-keys.js';
import type { HitRecorder } from '../../commands/security/hit-recorder.js';
import { HttpProblem } from '../problem.js';

const digest = (key: string) => createHash('sha256').update(key).digest();

/**
 * A request carrying X-API-Key must carry one of RISK_ALLOWED_API_KEYS
 * (compared in constant time); any other key is refused 403 and counted as a
 * `bad_api_key` hit under its redacted form. No header, no check.
 */
export function apiKeys(allowed: readonly string[], hits: HitRecorder): RequestHandler {
  const digests = allowed.map(digest);
  return (req, _res, next) => {
    const raw = req.headers['x-api-key'];
    if (raw === undefined) return next();
    const key = Array.isArray(raw) ? raw.join(',') : raw;
    const presented = digest(key);
    if (digests.some((d) => timingSafeEqual(d, presented))) return next();
    hits.add('bad_api_key', 'x-api-key', redactApiKey(key), req.clientIp ?? null);
    next(new HttpProblem(403, 'api_key_refused', 'The X-API-Key is not recognised.'));
  };
}
