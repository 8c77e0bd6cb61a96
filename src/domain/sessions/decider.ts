import { DomainError } from '../shared/domain-error.js';
import type { Decider } from '../shared/event.js';
import type { SessionCommand } from './commands.js';
import type { SessionEvent } from './events.js';
import { evolveSession, initialSessionState, type SessionState } from './state.js';

const sessionNotFound = () => new DomainError('session_not_found', 'Session not found.', 404);

/**
 * Rotation decides from the family's own stream: a revoked family yields no
 * events (the caller is refused); a refresh token that is not the current one
 * has been spent before, so the family is revoked as reuse.
 */
export function decideSession(command: SessionCommand, state: SessionState): SessionEvent[] {
  switch (command.type) {
    case 'StartSession':
      if (state.exists) throw new DomainError('session_exists', 'Session already exists.', 409);
      return [{
        type: 'SessionStarted',
        data: {
          session_id: command.session_id,
          user_id: command.user_id,
          jti: command.jti,
          expires_at: command.expires_at.toISOString(),
          started_at: command.at.toISOString(),
        },
      }];
    case 'RotateRefreshToken':
      if (!state.exists) throw sessionNotFound();
      if (state.revoked) return [];
      if (command.presented_jti !== state.current_jti) {
        return [{ type: 'SessionRevoked', data: { reason: 'reuse_detected', presented_jti: command.presented_jti, revoked_at: command.at.toISOString() } }];
      }
      return [{
        type: 'RefreshTokenRotated',
        data: {
          from_jti: state.current_jti,
          to_jti: command.new_jti,
          expires_at: command.expires_at.toISOString(),
          rotated_at: command.at.toISOString(),
        },
      }];
    case 'RevokeSession':
      if (!state.exists) throw sessionNotFound();
      if (state.revoked) return [];
      return [{ type: 'SessionRevoked', data: { reason: command.reason, presented_jti: null, revoked_at: command.at.toISOString() } }];
  }
}

export const sessionDecider: Decider<SessionCommand, SessionState, SessionEvent> = {
  initialState: initialSessionState,
  evolve: evolveSession,
  decide: decideSession,
};

export const sessionStream = (sessionId: string): string => `session-${sessionId}`;
