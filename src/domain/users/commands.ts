import type { EmailChangeVia, PasswordChangeReason, UserRole } from './events.js';

export interface Profile {
  first_name: string;
  last_name: string;
  country: string;
}

/**
 * Passwords never reach the domain: the command layer hashes them into the
 * credentials store and passes the row's id (`credential_id`).
 */
export type UserCommand =
  | ({ type: 'RegisterUser'; user_id: string; email: string; credential_id: string; at: Date } & Profile)
  | { type: 'CreateSuperuser'; user_id: string; email: string; credential_id: string; at: Date }
  /** Signed in through an OpenID Connect provider that vouched for the email: active at once, with no password (a reset sets one). */
  | ({ type: 'RegisterExternalUser'; user_id: string; email: string; identity_provider: string; at: Date } & Profile)
  | { type: 'ActivateUser'; at: Date }
  | { type: 'UpdateProfile'; changes: Partial<Profile> }
  | { type: 'GrantRole'; role: UserRole; at: Date }
  | { type: 'BlockUser'; reason: string; at: Date }
  | { type: 'UnblockUser'; reason: string; at: Date }
  | {
      type: 'ChangePassword';
      credential_id: string;
      reason: PasswordChangeReason;
      /** The credentials version the caller's proof (reset link) was issued under. */
      expected_credentials_version: number;
      at: Date;
    }
  /** `email` is normalized and already claimed in the email index by the command layer. */
  | { type: 'ChangeEmail'; email: string; via: EmailChangeVia; at: Date }
  /** The customer ends the relationship (DELETE /auth/users/me); erasure follows. */
  | { type: 'CloseCustomer'; at: Date }
  | { type: 'EraseUser'; at: Date };
