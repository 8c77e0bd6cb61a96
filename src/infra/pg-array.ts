/**
 * PostgreSQL's text form of a one-dimensional array (`{a,"b c",NULL}`), for
 * an array parameter (`$1::bigint[]`, `unnest($1::text[], ...)`): what pg
 * sends for a JavaScript array, built about twice as fast (an element is
 * quoted only when it must be, where pg escapes every one with two regular
 * expressions) and shorter on the wire: it was the largest client cost of
 * writing a rebuilt read model. Elements: null or undefined (NULL), strings,
 * numbers, bigints, booleans, Dates (ISO instants) and other objects (JSON).
 */
export function pgArray(values: readonly unknown[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    out += element(values[i]);
  }
  return out + '}';
}

/** Text that stands unquoted in an array literal: no delimiter, quote, brace, backslash or space, and not NULL. */
const BARE = /^[^",\\{}\s]+$/;
const NULL_WORD = /^null$/i;

function element(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  const text =
    typeof value === 'string' ? value
    : value instanceof Date ? value.toISOString()
    : typeof value === 'object' ? JSON.stringify(value)
    : String(value as string | number | bigint | boolean);
  if (BARE.test(text) && !NULL_WORD.test(text)) return text;
  return `"${text.replace(/[\\"]/g, '\\$&')}"`;
}

/** One array literal per column of `rows`, in the order of `columns`. */
export function pgColumns<T>(rows: readonly T[], columns: readonly (keyof T)[]): string[] {
  return columns.map((c) => pgArray(rows.map((r) => r[c])));
}
