import { randomUUID } from 'node:crypto';
import { userStream } from '../../domain/users/decider.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { userNotFound } from '../../domain/users/errors.js';
import type { CommandContext } from '../shared/command-context.js';
import { idsFrom } from '../shared/ids.js';
import { loadUser, userAggregate } from '../users/load-user.js';
import { recordAdminAction } from './admin-action.js';
import type { AdminDeps } from './admin-deps.js';
import { revokeAllSessions } from './terminate-sessions.js';

export interface UserActionResult {
  user_id: string;
  email: string;
  sessions_revoked: string[];
  incident_id: string;
  position: bigint;
}

async function existing(deps: AdminDeps, userId: string) {
  const user = await loadUser(deps.repo, userId);
  if (!user.exists) throw userNotFound();
  return user;
}

/**
 * Blocks the user (UserBlocked: no login, refresh or access token works) and
 * revokes every session, so an unblock later does not revive old tokens.
 * Staff cannot block themselves (422).
 */
export async function blockUser(deps: AdminDeps, ctx: CommandContext, userId: string, reason: string): Promise<UserActionResult> {
  if (userId === ctx.actor.user_id) throw new DomainError('cannot_block_self', 'Staff cannot block themselves.', 422);
  const user = await existing(deps, userId);
  const decided = await deps.repo.execute(userAggregate, userStream(userId), { type: 'BlockUser', reason }, ctx, idsFrom(randomUUID()));
  const revoked = await revokeAllSessions(deps, ctx, userId);
  const recorded = await recordAdminAction(deps.repo, ctx, {
    action: 'BLOCK_USER', target_type: 'User', target_id: userId, user_id: userId, account_number: null, reason,
    details: { user_email: user.email, sessions_revoked: revoked.length },
  }, decided.events[0]?.event_id ?? randomUUID());
  return { user_id: userId, email: user.email, sessions_revoked: revoked, incident_id: recorded.incident_id, position: recorded.position };
}

export async function unblockUser(deps: AdminDeps, ctx: CommandContext, userId: string, reason: string): Promise<UserActionResult> {
  const user = await existing(deps, userId);
  const decided = await deps.repo.execute(userAggregate, userStream(userId), { type: 'UnblockUser', reason }, ctx, idsFrom(randomUUID()));
  const recorded = await recordAdminAction(deps.repo, ctx, {
    action: 'UNBLOCK_USER', target_type: 'User', target_id: userId, user_id: userId, account_number: null, reason,
    details: { user_email: user.email },
  }, decided.events[0]?.event_id ?? randomUUID());
  return { user_id: userId, email: user.email, sessions_revoked: [], incident_id: recorded.incident_id, position: recorded.position };
}

/** Revokes every session of the user: refresh tokens die at once, access tokens within a second. */
export async function terminateSessions(deps: AdminDeps, ctx: CommandContext, userId: string, reason: string): Promise<UserActionResult> {
  const user = await existing(deps, userId);
  const revoked = await revokeAllSessions(deps, ctx, userId);
  const recorded = await recordAdminAction(deps.repo, ctx, {
    action: 'TERMINATE_SESSION', target_type: 'User', target_id: userId, user_id: userId, account_number: null, reason,
    details: { user_email: user.email, sessions_revoked: revoked.length },
  }, `terminate/${ctx.correlation_id}/${randomUUID()}`);
  return { user_id: userId, email: user.email, sessions_revoked: revoked, incident_id: recorded.incident_id, position: recorded.position };
}
