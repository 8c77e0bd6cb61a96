import type { PasswordChangeReason, UserRole } from './events.js';

export interface Profile {
  first_name: string;
  last_name: string;
  country: string;
}

/** Passwords arrive here already hashed: hashing is I/O-heavy and lives outside the domain. */
export type UserCommand =
  | ({ type: 'RegisterUser'; user_id: string; email: string; password_hash: string; at: Date } & Profile)
  | { type: 'CreateSuperuser'; user_id: string; email: string; password_hash: string; at: Date }
  | { type: 'ActivateUser'; at: Date }
  | { type: 'UpdateProfile'; changes: Partial<Profile> }
  | { type: 'GrantRole'; role: UserRole; at: Date }
  | { type: 'BlockUser'; reason: string; at: Date }
  | { type: 'UnblockUser'; reason: string; at: Date }
  | {
      type: 'ChangePassword';
      password_hash: string;
      reason: PasswordChangeReason;
      /** The credentials version the caller's proof (reset link) was issued under. */
      expected_credentials_version: number;
      at: Date;
    };
