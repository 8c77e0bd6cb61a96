import type { RequestHandler } from 'express';
import { positionOf, positionProblem } from '../position-params.js';
import { HttpProblem } from '../problem.js';

export interface ReadModelSync {
  /** True once the read models have applied `position`; false after `timeoutMs`. */
  waitForPosition(position: bigint, timeoutMs: number): Promise<boolean>;
}

/**
 * Read-your-writes: a GET with `min_position` waits, bounded, until the read
 * models have caught up with that event position; past the bound it is a 503
 * the client may retry, never a stale answer presented as fresh.
 */
export function minPosition(sync: ReadModelSync, timeoutMs: number): RequestHandler {
  return async (req, _res, next) => {
    const raw = req.query.min_position;
    if (req.method !== 'GET' || raw === undefined) return next();
    const position = typeof raw === 'string' ? positionOf(raw) : undefined;
    if (position === undefined) return next(positionProblem('min_position'));
    try {
      if (await sync.waitForPosition(position, timeoutMs)) return next();
      next(new HttpProblem(503, 'read_model_behind', `Read models have not reached position ${raw} yet.`, {}, { 'Retry-After': '1' }));
    } catch (error) {
      next(error);
    }
  };
}

