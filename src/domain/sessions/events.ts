import type { DomainEvent } from '../shared/event.js';

export type RevokeReason = 'logout' | 'reuse_detected' | 'admin';

/**
 * A session is one refresh-token family (stream `session-<session_id>`). Only
 * the newest refresh token of a family may be spent; presenting an older one
 * is reuse, which revokes the whole family.
 */
export type SessionEvent =
  | DomainEvent<'SessionStarted', { session_id: string; user_id: string; jti: string; expires_at: string; started_at: string }>
  | DomainEvent<'RefreshTokenRotated', { from_jti: string; to_jti: string; expires_at: string; rotated_at: string }>
  | DomainEvent<'SessionRevoked', { reason: RevokeReason; presented_jti: string | null; revoked_at: string }>;

export type SessionEventType = SessionEvent['type'];
