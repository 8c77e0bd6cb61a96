import { revokeSession } from '../sessions/revoke-session.js';
import type { CommandContext } from '../shared/command-context.js';
import { openSessionsOf } from '../../projections/admin/admin-queries.js';
import type { AdminDeps } from './admin-deps.js';

/**
 * Revokes every session of the user that is not revoked yet (reason `admin`).
 * Sessions are listed from the admin read model once it has caught up with
 * the store's head, so a session started before this call is never missed.
 */
export async function revokeAllSessions(deps: AdminDeps, ctx: CommandContext, userId: string): Promise<string[]> {
  const head = await deps.store.headPosition();
  if (!(await deps.readModels.waitForPosition(head, 5_000))) throw new Error('read models did not catch up; sessions not listed');
  const revoked: string[] = [];
  for (const sessionId of await openSessionsOf(deps.db, userId)) {
    if (await revokeSession(deps.repo, sessionId, userId, 'admin', ctx)) revoked.push(sessionId);
  }
  return revoked;
}
