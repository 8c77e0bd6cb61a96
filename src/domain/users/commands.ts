import type { EmailChangeVia, PasswordChangeReason, UserRole } from './events.js';

export interface Profile {
  first_name: string;
  last_name: string;
  country: string;
}

/**
 * Passwords never reach the domain: the command layer hashes them into the
 * credentials store and passes the row's id (`credential_id`). The time of
 * every decision is the context's `now`, never a command field.
 */
export type UserCommand =
  | ({ type: 'RegisterUser'; user_id: string; email: string; credential_id: string } & Profile)
  | { type: 'CreateSuperuser'; user_id: string; email: string; credential_id: string }
  /** Signed in through an OpenID Connect provider that vouched for the email: active at once, with no password (a reset sets one). */
  | ({ type: 'RegisterExternalUser'; user_id: string; email: string; identity_provider: string } & Profile)
  | { type: 'ActivateUser' }
  | { type: 'UpdateProfile'; changes: Partial<Profile> }
  | { type: 'GrantRole'; role: UserRole }
  | { type: 'BlockUser'; reason: string }
  | { type: 'UnblockUser'; reason: string }
  | {
      type: 'ChangePassword';
      credential_id: string;
      reason: PasswordChangeReason;
      /** The credentials version the caller's proof (reset link) was issued under. */
      expected_credentials_version: number;
    }
  /** `email` is normalized and already claimed in the email index by the command layer. */
  | { type: 'ChangeEmail'; email: string; via: EmailChangeVia }
  /** The customer ends the relationship (DELETE /auth/users/me); erasure follows. */
  | { type: 'CloseCustomer' }
  | { type: 'EraseUser' };
