import type { CommandOf, DecisionContext } from '../../shared/decider.js';
import type { SessionCommand } from '../commands.js';
import type { SessionEvent } from '../events.js';
import type { SessionState } from '../state.js';
import { sessionNotFound } from '../errors.js';

/** Logout, a password change or staff end a family once. */
export function revokeSession(command: CommandOf<SessionCommand, 'RevokeSession'>, state: SessionState, ctx: DecisionContext): SessionEvent[] {
  if (!state.exists) throw sessionNotFound();
  if (state.revoked) return [];
  return [{ type: 'SessionRevoked', data: { reason: command.reason, presented_jti: null, revoked_at: ctx.now.toISOString() } }];
}
