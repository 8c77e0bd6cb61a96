import type { Request } from 'express';
import { positionOf } from './position-params.js';
import { HttpProblem } from './problem.js';

export interface Page {
  limit: number;
  /** The position (or other bigint key) to continue below, from the opaque cursor. */
  before: bigint | undefined;
}

const MAX_LIMIT = 200;

/** Reads `limit` (1–200, default 50) and the opaque `cursor` of a list request. */
export function pageOf(req: Request, defaultLimit = 50): Page {
  const rawLimit = req.query.limit;
  const limit = typeof rawLimit === 'string' ? Number(rawLimit) : defaultLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new HttpProblem(400, 'validation_error', `limit must be between 1 and ${MAX_LIMIT}.`);
  }
  const raw = req.query.cursor;
  if (raw === undefined || raw === '') return { limit, before: undefined };
  const decoded = typeof raw === 'string' ? Buffer.from(raw, 'base64url').toString('utf8') : '';
  const before = /^p:(\d+)$/.exec(decoded)?.[1];
  const key = before === undefined ? undefined : positionOf(before);
  if (key === undefined) throw invalidCursor('The cursor is not one this API returned.');
  return { limit, before: key };
}

/** 400 `invalid_cursor` naming the parameter: a cursor this API never made (e.g. a key past int64). */
export const invalidCursor = (detail: string) =>
  new HttpProblem(400, 'invalid_cursor', detail, { errors: [{ field: 'query.cursor', message: 'is not a cursor this list returned' }] });

export function cursorFor(key: bigint): string {
  return Buffer.from(`p:${key}`, 'utf8').toString('base64url');
}

/** `{results, next_cursor}`: fetch limit+1 rows to know whether another page exists. */
export function pageResult<R, V>(rows: R[], page: Page, keyOf: (row: R) => bigint, view: (row: R) => V): { results: V[]; next_cursor: string | null } {
  const more = rows.length > page.limit;
  const shown = more ? rows.slice(0, page.limit) : rows;
  return { results: shown.map(view), next_cursor: more ? cursorFor(keyOf(shown[shown.length - 1]!)) : null };
}
