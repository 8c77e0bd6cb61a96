/**
 * PostgreSQL's COPY text format (`copy t (a, b) from stdin`): one line per
 * row, columns separated by tabs, NULL as `\N`, and a backslash, newline,
 * carriage return or tab inside a value escaped with a backslash. Values as
 * pgArray takes them: null or undefined (NULL), strings, numbers, bigints,
 * booleans, Dates (ISO instants) and other objects (JSON).
 */
export function copyText<T>(rows: readonly T[], columns: readonly (keyof T)[]): string {
  const lines: string[] = new Array<string>(rows.length);
  const last = columns.length - 1;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    let line = '';
    for (let c = 0; c < last; c++) line += field(row[columns[c]!]) + '\t';
    lines[r] = line + field(row[columns[last]!]) + '\n';
  }
  return lines.join('');
}

const SPECIAL = /[\\\n\r\t]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function field(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : JSON.stringify(value);
  return SPECIAL.test(text) ? text.replace(/[\\\n\r\t]/g, (ch) => ESCAPES[ch]!) : text;
}
