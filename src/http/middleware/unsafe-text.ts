import type { RequestHandler } from 'express';
import { HttpProblem } from '../problem.js';

// NUL and unpaired UTF-16 surrogates cannot be stored as PostgreSQL text or jsonb (they would fail as a 500 deep in a command).
const UNSAFE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const MAX_DEPTH = 32;

function unsafeIn(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return UNSAFE.test(value);
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => unsafeIn(v, depth + 1));
  return Object.entries(value).some(([k, v]) => UNSAFE.test(k) || unsafeIn(v, depth + 1));
}

/** 400 `invalid_text` for a JSON body or query string holding NUL or an unpaired surrogate. */
export const rejectUnsafeText: RequestHandler = (req, _res, next) => {
  if (unsafeIn(req.body) || unsafeIn(req.query)) {
    return next(new HttpProblem(400, 'invalid_text', 'Text must be valid Unicode without NUL characters.'));
  }
  next();
};
