import { dispatch } from '../shared/decider.js';
import type { Decider } from '../shared/event.js';
import type { SessionCommand } from './commands.js';
import { revokeSession } from './decide/revoke-session.js';
import { rotateRefreshToken } from './decide/rotate-refresh-token.js';
import { startSession } from './decide/start-session.js';
import type { SessionEvent } from './events.js';
import { evolveSession, initialSessionState, type SessionState } from './state.js';

/** The session (refresh-token family) aggregate: one decide function per command, in decide/<command>.ts. */
export const decideSession = dispatch<SessionCommand, SessionState, SessionEvent>({
  StartSession: startSession,
  RotateRefreshToken: rotateRefreshToken,
  RevokeSession: revokeSession,
});

export const sessionDecider: Decider<SessionCommand, SessionState, SessionEvent> = {
  initialState: initialSessionState,
  evolve: evolveSession,
  decide: decideSession,
};

export const sessionStream = (sessionId: string): string => `session-${sessionId}`;
