import { DataDirInUseError } from '../eventstore/pglite/data-dir-lock.js';

/** Connection failures of pg, PGlite's data folder lock and the EventStoreDB client. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
/** PostgreSQL: cannot connect now (57P03), database missing (3D000), shutting down (57P01), authentication (28000, 28P01). */
const PG_CODES = new Set(['57P01', '57P03', '3D000', '28000', '28P01']);

/** Why the stores could not be reached, when that is what `error` says; undefined otherwise. */
export function unavailableReason(error: unknown): string | undefined {
  if (error instanceof DataDirInUseError) return error.message;
  const seen = new Set<unknown>();
  for (let e: unknown = error; e && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || PG_CODES.has(code))) return `${code}${typeof message === 'string' && message ? `: ${message}` : ''}`;
    // AggregateError (pg connecting to several addresses) holds the real ones.
    const inner = (e as { errors?: unknown[] }).errors;
    if (Array.isArray(inner)) for (const x of inner) {
      const r = unavailableReason(x);
      if (r) return r;
    }
    if (typeof message === 'string' && /Connection terminated|connect ECONNREFUSED|UNAVAILABLE|DeadlineExceeded/i.test(message)) return message;
  }
  return undefined;
}
