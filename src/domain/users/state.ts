import type { UserEvent, UserRole } from './events.js';

export interface UserState {
  exists: boolean;
  user_id: string;
  email: string;
  password_hash: string;
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
}

export const initialUserState: UserState = {
  exists: false,
  user_id: '',
  email: '',
  password_hash: '',
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
};

/** May log in and use tokens: registered, activated and not blocked by staff. */
export const isActive = (state: UserState): boolean => state.exists && state.activated && state.blocked !== true;

export function evolveUser(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserRegistered': {
      const { registered_at, ...rest } = event.data;
      return { ...initialUserState, ...rest, exists: true, date_joined: registered_at };
    }
    case 'UserActivated':
      return { ...state, activated: true };
    case 'ProfileUpdated':
      return { ...state, ...event.data };
    case 'PasswordChanged':
      return { ...state, password_hash: event.data.password_hash, credentials_version: state.credentials_version + 1 };
    case 'RoleGranted':
      return state.roles.includes(event.data.role) ? state : { ...state, roles: [...state.roles, event.data.role] };
    case 'UserBlocked':
      return { ...state, blocked: true };
    case 'UserUnblocked':
      return { ...state, blocked: false };
  }
}
