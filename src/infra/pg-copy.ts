/**
 * PostgreSQL's COPY text format (`copy t (a, b) from stdin`): one line per
 * row, columns separated by tabs, NULL as `\N`, and a backslash, newline,
 * carriage return or tab inside a value escaped with a backslash. Values as
 * pgArray takes them: null or undefined (NULL), strings, numbers, bigints,
 * booleans, Dates (ISO instants) and other objects (JSON).
 *
 * Given as the UTF-8 bytes COPY is sent, each value written straight into one
 * buffer: a string grown value by value is a rope that encoding it has to
 * flatten first (most of the time of a rebuild's COPY rows went there), and
 * lines joined were still a third slower than this.
 */
export function copyText<T>(rows: readonly T[], columns: readonly (keyof T)[]): Buffer {
  let out = Buffer.allocUnsafe(Math.max(256, rows.length * columns.length * 16));
  let at = 0;
  const last = columns.length - 1;
  for (const row of rows) {
    for (let c = 0; c <= last; c++) {
      const text = field(row[columns[c]!]);
      // At most 3 bytes of UTF-8 per UTF-16 unit, and the separator.
      const room = text.length * 3 + 1;
      if (at + room > out.length) {
        const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, at + room));
        out.copy(bigger, 0, 0, at);
        out = bigger;
      }
      at += out.write(text, at);
      out[at++] = c === last ? NEWLINE : TAB;
    }
  }
  return out.subarray(0, at);
}

const TAB = 9;
const NEWLINE = 10;
const SPECIAL = /[\\\n\r\t]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function field(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : JSON.stringify(value);
  return SPECIAL.test(text) ? text.replace(/[\\\n\r\t]/g, (ch) => ESCAPES[ch]!) : text;
}
