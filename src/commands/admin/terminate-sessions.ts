import { revokeSession } from '../sessions/revoke-session.js';
import type { CommandContext } from '../shared/command-context.js';
import { openSessionsOf } from '../../projections/admin/admin-queries.js';
import type { AdminDeps } from './admin-deps.js';

/**
 * The newest committed position. The store's head only shows what every open
 * transaction on the server is past (it can trail a just-committed login for
 * as long as any transaction stays open); where the events live in the same
 * PostgreSQL database, the table itself knows better.
 */
async function committedHead(deps: AdminDeps): Promise<bigint> {
  const head = await deps.store.headPosition();
  if (deps.store.kind === 'eventstoredb') return head;
  const rows = await deps.db.query<{ head: string | null }>(`select max(position)::text as head from es.events`).catch(() => []);
  const max = rows[0]?.head;
  return max && BigInt(max) > head ? BigInt(max) : head;
}

/**
 * Revokes every session of the user that is not revoked yet (reason `admin`).
 * Sessions are listed from the admin read model once it has applied every
 * event committed before this call.
 */
export async function revokeAllSessions(deps: AdminDeps, ctx: CommandContext, userId: string): Promise<string[]> {
  const head = await committedHead(deps);
  if (!(await deps.readModels.waitForPosition(head, 10_000))) throw new Error('read models did not catch up; sessions not listed');
  const revoked: string[] = [];
  for (const sessionId of await openSessionsOf(deps.db, userId)) {
    if (await revokeSession(deps.repo, sessionId, userId, 'admin', ctx)) revoked.push(sessionId);
  }
  return revoked;
}
