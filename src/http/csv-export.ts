import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify/sync';
import type { NextFunction, Request, Response } from 'express';

export const CSV_TYPE = 'text/csv; charset=utf-8';

/** The client asked for CSV: `?format=csv`, or an Accept header that prefers text/csv to JSON. */
export function wantsCsv(req: Request): boolean {
  if (req.query.format !== undefined) return req.query.format === 'csv';
  return req.accepts(['application/json', 'text/csv']) === 'text/csv';
}

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage
 * return, which some strip first) as a formula: such text gets a leading '
 * (OWASP's CSV injection advice). Numbers are written as numbers.
 */
export const guardCell = (text: string): string => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

type Cell = string | number | boolean | null | undefined;
export type CsvRow = Record<string, Cell>;

/**
 * One CSV row from a JSON view: nested objects become `parent_child` columns,
 * the keys in `asJson` (free-form objects) one JSON text cell, null an empty cell.
 */
export function flattenRow(view: object, asJson: readonly string[] = [], prefix = ''): CsvRow {
  const row: CsvRow = {};
  for (const [key, value] of Object.entries(view)) {
    const name = `${prefix}${key}`;
    if (value instanceof Date) row[name] = value.toISOString();
    else if (value !== null && typeof value === 'object' && !asJson.includes(name)) Object.assign(row, flattenRow(value as object, asJson, `${name}_`));
    else row[name] = value !== null && typeof value === 'object' ? JSON.stringify(value) : (value as Cell);
  }
  return row;
}

/** Rows per chunk: the CSV goes out in pieces of this many lines, not one socket write per row. */
const CHUNK_ROWS = 500;

/** The CSV text in chunks of CHUNK_ROWS lines, the header line first (alone when there is no row). */
async function* csvChunks(columns: readonly string[], rows: AsyncIterable<CsvRow> | Iterable<CsvRow>): AsyncGenerator<string> {
  const options = { columns: [...columns], cast: { string: guardCell, boolean: (b: boolean) => (b ? 'true' : 'false'), date: (d: Date) => d.toISOString() } };
  let header = true;
  let batch: CsvRow[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length < CHUNK_ROWS) continue;
    yield stringify(batch, { ...options, header });
    header = false;
    batch = [];
  }
  if (batch.length > 0 || (header && columns.length > 0)) yield stringify(batch, { ...options, header });
}

/**
 * Streams rows as an attachment through csv-stringify: a header line, then
 * one line per row, in chunks, with the stream's backpressure (a slow client
 * pauses the producer, so no more than a few chunks are ever held). An error
 * after the first byte can no longer become a problem: the connection is cut,
 * so the client sees a truncated download, never a complete-looking one.
 */
export async function sendCsv(res: Response, filename: string, columns: readonly string[], rows: AsyncIterable<CsvRow> | Iterable<CsvRow>): Promise<void> {
  res.status(200);
  res.set({
    'Content-Type': CSV_TYPE,
    'Content-Disposition': `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
    'Cache-Control': 'private, no-store',
  });
  try {
    await pipeline(Readable.from(csvChunks(columns, rows)), res);
  } catch (error) {
    if (!res.headersSent) throw error;
    res.destroy();
  }
}

/**
 * For list endpoints that answer `{…, results: [...]}`: when the client asks
 * for CSV, the JSON body the route makes is sent as CSV instead (one row per
 * result; the file named after the path and the body's from/to). Errors and
 * other answers stay JSON problems. The route itself does not change.
 */
export function csvWhenAsked(req: Request, res: Response, next: NextFunction): void {
  if (!wantsCsv(req)) return next();
  const json = res.json.bind(res);
  res.json = (body: unknown) => {
    const results = (body as { results?: unknown } | null)?.results;
    if (res.statusCode !== 200 || !Array.isArray(results)) return json(body);
    const rows = results.map((r) => flattenRow(r as object));
    const range = body as { from?: unknown; to?: unknown };
    const name = [`${req.baseUrl}${req.path}`.replace(/^\/+|\/+$/g, '').replace(/\//g, '-'), range.from, range.to].filter((p) => typeof p === 'string' && p !== '').join('_');
    sendCsv(res, `${name}.csv`, Object.keys(rows[0] ?? {}), rows).catch(next);
    return res;
  };
  next();
}
