import { revokeSession } from '../sessions/revoke-session.js';
import type { CommandContext } from '../shared/command-context.js';
import { openSessionsOf } from '../../projections/admin/admin-queries.js';
import type { AdminDeps } from './admin-deps.js';

/**
 * Revokes every session of the user that is not revoked yet (reason `admin`).
 * Sessions are listed from the admin read model once it has applied every
 * event committed before this call.
 */
export async function revokeAllSessions(deps: AdminDeps, ctx: CommandContext, userId: string): Promise<string[]> {
  // Everything committed, not only what readers may see yet: a login that just committed must be listed.
  const head = await deps.store.committedHead();
  if (!(await deps.readModels.waitForPosition(head, 10_000))) throw new Error('read models did not catch up; sessions not listed');
  const revoked: string[] = [];
  for (const sessionId of await openSessionsOf(deps.db, userId)) {
    if (await revokeSession(deps.repo, sessionId, userId, 'admin', ctx)) revoked.push(sessionId);
  }
  return revoked;
}
