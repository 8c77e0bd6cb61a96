import { DomainError } from '../../shared/domain-error.js';
import type { CommandOf, DecisionContext } from '../../shared/decider.js';
import type { SessionCommand } from '../commands.js';
import type { SessionEvent } from '../events.js';
import type { SessionState } from '../state.js';

/** A login starts a refresh-token family. */
export function startSession(command: CommandOf<SessionCommand, 'StartSession'>, state: SessionState, ctx: DecisionContext): SessionEvent[] {
  if (state.exists) throw new DomainError('session_exists', 'Session already exists.', 409);
  return [{
    type: 'SessionStarted',
    data: {
      session_id: command.session_id,
      user_id: command.user_id,
      jti: command.jti,
      expires_at: command.expires_at.toISOString(),
      started_at: ctx.now.toISOString(),
    },
  }];
}
