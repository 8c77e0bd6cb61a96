/**
 * Whether an error says the database cannot be reached right now (refused,
 * reset, restarting, shutting down, a pool already ended), as opposed to a
 * statement it refused. Such a failure changed nothing the caller was told
 * about, and trying again later may succeed: the API answers it 503
 * `service_unavailable` with Retry-After, never 500.
 */

/** Node socket errors of a connection that could not be made or was lost. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/**
 * SQLSTATEs of a server that is going away or not yet there: class 08
 * (connection exception), 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03
 * cannot_connect_now (starting up, recovering), 53300 too_many_connections.
 */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

/** node-postgres's own messages for a connection that ended or a pool that was closed. */
const DRIVER_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Cannot use a pool after calling end on the pool/,
  /^Client has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable/,
  /^Connection ended/,
];

/** Thrown for work refused because the process is shutting down (its pools are about to close). */
export class ServiceStoppingError extends Error {
  override readonly name = 'ServiceStoppingError';
  constructor(what: string) {
    super(`${what}: the service is shutting down`);
  }
}

function single(error: object): boolean {
  if (error instanceof ServiceStoppingError) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || SERVER_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && DRIVER_MESSAGES.some((pattern) => pattern.test(message));
}

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  if (single(error)) return true;
  // Node reports a refused connection to every address of a host as an AggregateError; wrappers keep the cause.
  const inner = (error as { errors?: unknown }).errors;
  if (Array.isArray(inner) && inner.length > 0 && inner.every((e) => isDatabaseUnavailable(e, depth + 1))) return true;
  return isDatabaseUnavailable((error as { cause?: unknown }).cause, depth + 1);
}

/** The short reason of an unavailable database for a log line (a code or the driver's message; never a URL or password). */
export function unavailableReason(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const code = (error as { code?: unknown }).code;
  const message = (error as { message?: unknown }).message;
  if (typeof code === 'string' && SOCKET_CODES.has(code)) return code;
  if (typeof message === 'string' && message.length > 0) return typeof code === 'string' ? `${code} ${message}` : message;
  const inner = (error as { errors?: unknown[] }).errors;
  return Array.isArray(inner) && inner[0] !== undefined ? unavailableReason(inner[0]) : 'unknown error';
}
