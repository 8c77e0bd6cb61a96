import type { Knex } from 'knex';
import type { Queryable } from '../../infra/db.js';

/**
 * A Queryable for rebuilds that saves round trips: writes whose result nobody
 * reads (INSERT/UPDATE/DELETE without RETURNING, with plain scalar
 * parameters) are queued, their parameters inlined as quoted literals, and
 * sent together as one multi-statement query. Anything else (a SELECT, a
 * RETURNING, array or binary parameters) first sends the queue, so every
 * statement still runs in order and sees the writes before it. Errors surface
 * at the next flush; the caller's transaction then fails as it would have.
 */
export interface BatchingQueryable extends Queryable {
  flush(): Promise<void>;
}

const WRITE = /^\s*(insert|update|delete)\b/i;
const RETURNING = /\breturning\b/i;
const PLACEHOLDER = /\$(\d+)/g;
const MAX_STATEMENTS = 1_000;
const MAX_CHARS = 4_000_000;

/** The same quoting as pg's escapeLiteral. */
function quote(text: string): string {
  let escaped = text.replace(/'/g, "''");
  if (escaped.includes('\\')) escaped = ` E'${escaped.replace(/\\/g, '\\\\')}'`;
  else escaped = `'${escaped}'`;
  return escaped;
}

/** A parameter as the text pg would send for it, quoted; undefined when it cannot be inlined safely. */
function literal(value: unknown): string | undefined {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') return Number.isFinite(value) ? quote(String(value)) : undefined;
  if (typeof value === 'bigint') return quote(value.toString());
  if (typeof value === 'boolean') return value ? "'true'" : "'false'";
  if (value instanceof Date) return quote(value.toISOString());
  if (Array.isArray(value) || Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return undefined;
  if (typeof value === 'object') return quote(JSON.stringify(value));
  return undefined;
}

function inline(text: string, params: readonly unknown[]): string | undefined {
  const literals: string[] = [];
  for (const p of params) {
    const l = literal(p);
    if (l === undefined) return undefined;
    literals.push(l);
  }
  let ok = true;
  const out = text.replace(PLACEHOLDER, (_m, n: string) => {
    const l = literals[Number(n) - 1];
    if (l === undefined) ok = false;
    return l ?? '';
  });
  return ok ? out : undefined;
}

export function batchingQueryable(tx: Queryable): BatchingQueryable {
  let queued: string[] = [];
  let chars = 0;
  const flush = async () => {
    if (queued.length === 0) return;
    const text = queued.join(';\n');
    queued = [];
    chars = 0;
    // No parameters: the simple query protocol, which runs several statements in one round trip.
    await tx.query(text);
  };
  const self: BatchingQueryable = {
    async query<R>(text: string, params: readonly unknown[] = []): Promise<R[]> {
      if (WRITE.test(text) && !RETURNING.test(text) && !text.includes(';')) {
        const statement = inline(text, params);
        if (statement !== undefined) {
          queued.push(statement);
          chars += statement.length;
          if (queued.length >= MAX_STATEMENTS || chars >= MAX_CHARS) await flush();
          return [];
        }
      }
      await flush();
      return tx.query<R>(text, params);
    },
    async run<R>(builder: Knex.QueryBuilder | Knex.Raw): Promise<R[]> {
      const { sql, bindings } = builder.toSQL().toNative();
      return self.query<R>(sql, bindings);
    },
    flush,
  };
  return self;
}
