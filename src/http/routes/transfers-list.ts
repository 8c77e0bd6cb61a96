import type { Request } from 'express';
import type { TransferFilter, TransferOrdering, TransferRow } from '../../projections/transfers/transfer-queries.js';
import { positionOf } from '../position-params.js';
import { invalidCursor } from '../pagination.js';
import { HttpProblem } from '../problem.js';

const ORDERINGS: readonly TransferOrdering[] = ['created_at', '-created_at', 'amount', '-amount'];
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_LIMIT = 200;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** A real calendar date (2026-02-30 is not), else 400. */
function dateParam(req: Request, name: 'from' | 'to'): string | undefined {
  const raw = text(req.query[name]);
  if (raw === undefined) return undefined;
  const m = DATE.exec(raw);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !d || d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) {
    throw new HttpProblem(400, 'invalid_date', `${name} must be a calendar date such as 2026-01-31.`, { errors: [{ field: name, message: 'not a date' }] });
  }
  return raw;
}

/** Cursors carry the ordering they were made for and the last row's sort key and position. */
function cursorOf(ordering: TransferOrdering, row: TransferRow): string {
  return Buffer.from(`t:${ordering}:${row.amount}:${row.created_position}`, 'utf8').toString('base64url');
}

function afterOf(req: Request, ordering: TransferOrdering): TransferFilter['after'] {
  const raw = text(req.query.cursor);
  if (raw === undefined) return undefined;
  const m = /^t:(-?[a-z_]+):(\d+):(\d+)$/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  const amount = m ? positionOf(m[2]!) : undefined;
  const position = m ? positionOf(m[3]!) : undefined;
  if (!m || m[1] !== ordering || amount === undefined || position === undefined) {
    throw invalidCursor('The cursor is not one this list returned (with this ordering).');
  }
  return { amount, position };
}

/** Filters, ordering and page of a transfer list request; 400 for anything malformed. */
export function listRequest(req: Request): TransferFilter {
  const ordering = (text(req.query.ordering) ?? '-created_at') as TransferOrdering;
  if (!ORDERINGS.includes(ordering)) throw new HttpProblem(400, 'validation_error', `ordering must be one of ${ORDERINGS.join(', ')}.`);
  const rawLimit = text(req.query.limit);
  const limit = rawLimit === undefined ? 50 : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new HttpProblem(400, 'validation_error', `limit must be between 1 and ${MAX_LIMIT}.`);
  const from = dateParam(req, 'from');
  const to = dateParam(req, 'to');
  if (from && to && from > to) throw new HttpProblem(400, 'invalid_date', 'from must not be after to.');
  return { account_number: text(req.query.account_number), from, to, ordering, after: afterOf(req, ordering), limit };
}

/** `{results, next_cursor}` from limit+1 rows. */
export function pageOfRows<V>(rows: TransferRow[], f: TransferFilter, view: (r: TransferRow) => V): { results: V[]; next_cursor: string | null } {
  const more = rows.length > f.limit;
  const shown = more ? rows.slice(0, f.limit) : rows;
  return { results: shown.map(view), next_cursor: more ? cursorOf(f.ordering, shown[shown.length - 1]!) : null };
}
