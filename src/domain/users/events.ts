import type { DomainEvent } from '../shared/event.js';

/** Extra roles beyond 'customer' (everyone) and 'staff' (is_staff). */
export type UserRole = 'auditor';

export type PasswordChangeReason = 'set_password' | 'reset' | 'admin';

/**
 * Events of the user aggregate (stream `user-<user_id>`). The email is fixed at
 * registration: the stream id derives from it. Room is left for
 * UserBlocked/UserUnblocked (admin actions) in a later change.
 */
export type UserEvent =
  | DomainEvent<'UserRegistered', {
      user_id: string;
      email: string;
      password_hash: string;
      country: string;
      first_name: string;
      last_name: string;
      is_staff: boolean;
      is_superuser: boolean;
      roles: UserRole[];
      registered_at: string;
    }>
  | DomainEvent<'UserActivated', { activated_at: string }>
  | DomainEvent<'ProfileUpdated', { first_name: string; last_name: string; country: string }>
  | DomainEvent<'PasswordChanged', { password_hash: string; reason: PasswordChangeReason; changed_at: string }>
  /** An operator gave the user an extra role (the CLI's grant-role). */
  | DomainEvent<'RoleGranted', { role: UserRole; granted_at: string }>
  /** Staff blocked the user: no login, refresh or token works until unblocked. */
  | DomainEvent<'UserBlocked', { reason: string; at: string }>
  | DomainEvent<'UserUnblocked', { reason: string; at: string }>;

export type UserEventType = UserEvent['type'];
