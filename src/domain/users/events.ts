import type { DomainEvent } from '../shared/event.js';

/** Extra roles beyond 'customer' (everyone) and 'staff' (is_staff). */
export type UserRole = 'auditor';

export type PasswordChangeReason = 'set_password' | 'reset' | 'admin';

/** How the login email changed: by the signed-in user with their password, or through an emailed reset link. */
export type EmailChangeVia = 'set_email' | 'reset_email';

/**
 * Events of the user aggregate (stream `user-<user_id>`, a random id). No
 * credential material is in them: `credential_id` names the row of the
 * credentials store (cmd.credentials) that holds the password hash. Events
 * written before that change carry `password_hash` instead (LegacyCredential),
 * which only the state still reads and every view removes. Personal fields
 * (email, names, country) are encrypted in the stored payload under the
 * user's data key; `kpi_country` is the coarse, clear country the KPIs use.
 */
export type UserEvent =
  | DomainEvent<'UserRegistered', {
      user_id: string;
      email: string;
      /** Absent in legacy events, which carry `password_hash` instead. */
      credential_id?: string;
      country: string;
      /** Absent in legacy events: derived from `country` (kpiCountry) when read. */
      kpi_country?: string;
      first_name: string;
      last_name: string;
      is_staff: boolean;
      is_superuser: boolean;
      roles: UserRole[];
      registered_at: string;
      /** The issuer of the OpenID Connect provider the user first signed in with; absent for password registrations. */
      identity_provider?: string;
    } & LegacyCredential>
  | DomainEvent<'UserActivated', { activated_at: string }>
  | DomainEvent<'ProfileUpdated', { first_name: string; last_name: string; country: string; kpi_country?: string }>
  /**
   * The password changed; `credential_version` is the user's version after it
   * (tokens of older ones are stale). Legacy events carry `password_hash`
   * instead of both (their version is the previous one plus one).
   */
  | DomainEvent<'PasswordChanged', { credential_id?: string; credential_version?: number; reason: PasswordChangeReason; changed_at: string } & LegacyCredential>
  /** An operator gave the user an extra role (the CLI's grant-role). */
  | DomainEvent<'RoleGranted', { role: UserRole; granted_at: string }>
  /** Staff blocked the user: no login, refresh or token works until unblocked. */
  | DomainEvent<'UserBlocked', { reason: string; at: string }>
  | DomainEvent<'UserUnblocked', { reason: string; at: string }>
  /** The login email changed (sealed under the user's key like every personal field). */
  | DomainEvent<'EmailChanged', { email: string; via: EmailChangeVia; changed_at: string }>
  /** The customer closed their relationship: accounts closed, cards cancelled, sessions revoked; UserErased follows. */
  | DomainEvent<'CustomerClosed', { closed_at: string }>
  /** The user's personal data was erased (their data key destroyed); amounts and history stay. */
  | DomainEvent<'UserErased', { erased_at: string }>;

/** How a user proved who they are to turn the authenticator app off. */
export type TotpDisableProof = 'password' | 'code';

/**
 * Events of a user's authenticator-app enrolment (stream `two-factor-<user_id>`,
 * beside the login challenges of src/domain/sessions/events.ts). The secret
 * never travels in them: `credential_id` names the credentials-store row that
 * holds it, encrypted under the user's data key; recovery codes are only
 * counted (their hashes are in the store too). `time_step` is the RFC 6238
 * step of the code that confirmed the enrolment (a code is accepted once).
 */
export type TotpEvent =
  | DomainEvent<'TotpEnrolmentStarted', { credential_id: string; started_at: string }>
  | DomainEvent<'TotpEnabled', { credential_id: string; recovery_codes: number; time_step: number; enabled_at: string }>
  | DomainEvent<'TotpDisabled', { proof: TotpDisableProof; disabled_at: string }>;

/** What UserRegistered and PasswordChanged carried before credentials left the log. */
export type LegacyCredential = {
  password_hash?: string;
};

export type UserEventType = UserEvent['type'];
