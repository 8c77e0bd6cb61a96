import { isDatabaseUnavailable, unavailableReason } from '../infra/database-unavailable.js';
import { DatabaseUnreachableError } from '../infra/wait-for-database.js';

/**
 * The one line a start that failed because of the database writes (an
 * operating condition, not a bug: no stack trace), or undefined for any other
 * error.
 */
export function databaseStartFailure(error: unknown): string | undefined {
  if (error instanceof DatabaseUnreachableError) return error.message;
  if (isDatabaseUnavailable(error)) return `database unavailable while starting (${unavailableReason(error)}); exiting`;
  return undefined;
}
