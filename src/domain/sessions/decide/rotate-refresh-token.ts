import type { CommandOf, DecisionContext } from '../../shared/decider.js';
import type { SessionCommand } from '../commands.js';
import type { SessionEvent } from '../events.js';
import type { SessionState } from '../state.js';
import { sessionNotFound } from '../errors.js';

/**
 * Rotation decides from the family's own stream: a revoked family yields no
 * events (the caller is refused); a refresh token that is not the current one
 * has been spent before, so the family is revoked as reuse.
 */
export function rotateRefreshToken(command: CommandOf<SessionCommand, 'RotateRefreshToken'>, state: SessionState, ctx: DecisionContext): SessionEvent[] {
  if (!state.exists) throw sessionNotFound();
  if (state.revoked) return [];
  if (command.presented_jti !== state.current_jti) {
    return [{ type: 'SessionRevoked', data: { reason: 'reuse_detected', presented_jti: command.presented_jti, revoked_at: ctx.now.toISOString() } }];
  }
  return [{
    type: 'RefreshTokenRotated',
    data: {
      from_jti: state.current_jti,
      to_jti: command.new_jti,
      expires_at: command.expires_at.toISOString(),
      rotated_at: ctx.now.toISOString(),
    },
  }];
}
