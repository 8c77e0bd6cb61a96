import type { LegacyCredential, UserEvent, UserRole } from './events.js';

export interface UserState {
  exists: boolean;
  user_id: string;
  email: string;
  /** The credentials-store row of the current password; '' for a password only a legacy event holds. */
  credential_id: string;
  /** The argon2 hash a legacy event carried, while no newer password replaced it; '' otherwise. */
  legacy_password_hash: string;
  country: string;
  first_name: string;
  last_name: string;
  is_staff: boolean;
  is_superuser: boolean;
  roles: UserRole[];
  /** Has confirmed the email (or was created active by an operator). */
  activated: boolean;
  date_joined: string;
  /**
   * Bumped on every password change. Tokens carry the version they were issued
   * under, so a change of password invalidates every older token and reset link.
   */
  credentials_version: number;
  /** Blocked by staff (UserBlocked, until UserUnblocked). */
  blocked: boolean;
  /** Closed by the customer (CustomerClosed): no login, no command, for good. */
  closed: boolean;
  /** Personal data erased (UserErased): the user is gone for every purpose but the ledger. */
  erased: boolean;
}

export const initialUserState: UserState = {
  exists: false,
  user_id: '',
  email: '',
  credential_id: '',
  legacy_password_hash: '',
  country: '',
  first_name: '',
  last_name: '',
  is_staff: false,
  is_superuser: false,
  roles: [],
  activated: false,
  date_joined: '',
  credentials_version: 0,
  blocked: false,
  closed: false,
  erased: false,
};

/** May log in and use tokens: registered, activated, not blocked by staff, not closed, not erased. */
export const isActive = (state: UserState): boolean =>
  state.exists && state.activated && state.blocked !== true && state.closed !== true && state.erased !== true;

const legacyHash = (data: LegacyCredential): string => (typeof data.password_hash === 'string' ? data.password_hash : '');

export function evolveUser(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserRegistered': {
      const d = event.data;
      return {
        ...initialUserState,
        exists: true,
        user_id: d.user_id,
        email: d.email,
        credential_id: d.credential_id ?? '',
        legacy_password_hash: legacyHash(d as LegacyCredential),
        country: d.country,
        first_name: d.first_name,
        last_name: d.last_name,
        is_staff: d.is_staff,
        is_superuser: d.is_superuser,
        roles: d.roles,
        date_joined: d.registered_at,
      };
    }
    case 'UserActivated':
      return { ...state, activated: true };
    case 'ProfileUpdated':
      return { ...state, first_name: event.data.first_name, last_name: event.data.last_name, country: event.data.country };
    case 'PasswordChanged':
      return {
        ...state,
        credential_id: event.data.credential_id ?? '',
        legacy_password_hash: legacyHash(event.data as LegacyCredential),
        credentials_version: event.data.credential_version ?? state.credentials_version + 1,
      };
    case 'RoleGranted':
      return state.roles.includes(event.data.role) ? state : { ...state, roles: [...state.roles, event.data.role] };
    case 'UserBlocked':
      return { ...state, blocked: true };
    case 'UserUnblocked':
      return { ...state, blocked: false };
    case 'EmailChanged':
      return { ...state, email: event.data.email };
    case 'CustomerClosed':
      return { ...state, closed: true };
    case 'UserErased':
      return { ...state, erased: true, email: '', first_name: '', last_name: '', country: '', credential_id: '', legacy_password_hash: '' };
  }
}
