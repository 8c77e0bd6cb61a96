import type { RevokeReason } from './events.js';

export type SessionCommand =
  | { type: 'StartSession'; session_id: string; user_id: string; jti: string; expires_at: Date }
  | { type: 'RotateRefreshToken'; presented_jti: string; new_jti: string; expires_at: Date }
  | { type: 'RevokeSession'; reason: RevokeReason };
