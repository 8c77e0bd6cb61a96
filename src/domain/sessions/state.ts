import type { RevokeReason, SessionEvent } from './events.js';

export interface SessionState {
  exists: boolean;
  session_id: string;
  user_id: string;
  /** The only refresh token of the family that may still be spent. */
  current_jti: string;
  expires_at: string;
  revoked: RevokeReason | null;
}

export const initialSessionState: SessionState = {
  exists: false,
  session_id: '',
  user_id: '',
  current_jti: '',
  expires_at: '',
  revoked: null,
};

export function evolveSession(state: SessionState, event: SessionEvent): SessionState {
  switch (event.type) {
    case 'SessionStarted':
      return {
        ...initialSessionState,
        exists: true,
        session_id: event.data.session_id,
        user_id: event.data.user_id,
        current_jti: event.data.jti,
        expires_at: event.data.expires_at,
      };
    case 'RefreshTokenRotated':
      return { ...state, current_jti: event.data.to_jti, expires_at: event.data.expires_at };
    case 'SessionRevoked':
      return { ...state, revoked: event.data.reason };
  }
}
