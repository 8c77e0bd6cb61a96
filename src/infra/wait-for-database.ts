import pg from 'pg';
import { isDatabaseUnavailable, unavailableReason } from './database-unavailable.js';

/** The database could not be reached within the start's bounded wait. */
export class DatabaseUnreachableError extends Error {
  override readonly name = 'DatabaseUnreachableError';
}

/** host:port/database of a connection string: what a log line may show (never the user or password). */
export function databaseLabel(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname || 'localhost'}:${url.port || '5432'}${url.pathname && url.pathname !== '/' ? url.pathname : ''}`;
  } catch {
    return 'DATABASE_URL';
  }
}

async function reachable(connectionString: string, timeoutMs: number): Promise<void> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: Math.max(1_000, timeoutMs) });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * At start, before anything is opened: tries to reach the database every
 * second or so until it answers or `timeoutSeconds` have passed, writing one
 * line per failed attempt (`say`). Unreachable in the end: a
 * DatabaseUnreachableError whose message is the final line. An error that is
 * not about reaching the server (a wrong password, a missing database) is
 * thrown at once: waiting would not fix it.
 */
export async function waitForDatabase(connectionString: string, timeoutSeconds: number, say: (line: string) => void): Promise<void> {
  const label = databaseLabel(connectionString);
  const started = Date.now();
  const deadline = started + timeoutSeconds * 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      await reachable(connectionString, Math.min(5_000, Math.max(0, deadline - Date.now())));
      if (attempt > 1) say(`database ${label} reachable after ${attempt} attempts`);
      return;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      const left = Math.ceil((deadline - Date.now()) / 1000);
      const reason = unavailableReason(error);
      if (left <= 0) {
        throw new DatabaseUnreachableError(`database ${label} unreachable (${reason}) after ${attempt} attempts in ${Math.round((Date.now() - started) / 1000)} s (DATABASE_CONNECT_TIMEOUT_SECONDS=${timeoutSeconds}); giving up`);
      }
      say(`database ${label} unreachable (${reason}); attempt ${attempt}, retrying for ${left} s more`);
      await new Promise((r) => setTimeout(r, Math.min(1_000, deadline - Date.now())));
    }
  }
}
