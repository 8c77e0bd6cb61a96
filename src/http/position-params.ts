import { HttpProblem } from './problem.js';

/** The largest value of a PostgreSQL `bigint` (event positions, revisions, minor-unit amounts). */
export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

/** A signed int64 written in decimal (`-` and up to 19 digits), else undefined. */
export function int64Of(text: string): bigint | undefined {
  if (!/^-?\d{1,19}$/.test(text)) return undefined;
  const n = BigInt(text);
  return n >= INT64_MIN && n <= INT64_MAX ? n : undefined;
}

/** A non-negative int64 written in digits only (a position), else undefined. */
export function positionOf(text: string): bigint | undefined {
  return /^\d+$/.test(text) ? int64Of(text) : undefined;
}

/** 400 for a position parameter that is not a non-negative int64 (no such position can exist). */
export const positionProblem = (name: string) =>
  new HttpProblem(400, 'validation_error', `${name} must be an integer from 0 to ${INT64_MAX}.`, {
    errors: [{ field: `query.${name}`, message: `must be an integer from 0 to ${INT64_MAX}` }],
  });
