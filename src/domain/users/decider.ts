import { DomainError } from '../shared/domain-error.js';
import type { Decider } from '../shared/event.js';
import type { Profile, UserCommand } from './commands.js';
import type { UserEvent } from './events.js';
import { kpiCountry } from './kpi-country.js';
import { evolveUser, initialUserState, isActive, type UserState } from './state.js';

export const userNotFound = () => new DomainError('user_not_found', 'User not found.', 404);
export const staleToken = () => new DomainError('stale_token', 'Stale token for given user.', 403);
export const emailTaken = () =>
  new DomainError('email_taken', 'A user with that email already exists.', 400, {
    errors: [{ field: 'body.email', message: 'A user with that email already exists.' }],
  });

/** An erased user is gone for every command but erasure itself. */
function mustExist(state: UserState): void {
  if (!state.exists || state.erased) throw userNotFound();
}

interface NewUser {
  user_id: string;
  email: string;
  credential_id: string;
  at: Date;
}

function registered(user: NewUser, profile: Profile, staff: boolean, extra: { identity_provider?: string } = {}): UserEvent {
  return {
    type: 'UserRegistered',
    data: {
      user_id: user.user_id,
      email: user.email,
      credential_id: user.credential_id,
      country: profile.country,
      kpi_country: kpiCountry(profile.country),
      first_name: profile.first_name,
      last_name: profile.last_name,
      is_staff: staff,
      is_superuser: staff,
      roles: [],
      registered_at: user.at.toISOString(),
      ...extra,
    },
  };
}

const activated = (at: Date): UserEvent => ({ type: 'UserActivated', data: { activated_at: at.toISOString() } });

export function decideUser(command: UserCommand, state: UserState): UserEvent[] {
  switch (command.type) {
    case 'RegisterUser':
      if (state.exists) throw emailTaken();
      return [registered(command, command, false)];
    case 'CreateSuperuser':
      if (state.exists) throw emailTaken();
      return [registered(command, { first_name: '', last_name: '', country: '' }, true), activated(command.at)];
    case 'RegisterExternalUser':
      if (state.exists) throw emailTaken();
      return [registered({ ...command, credential_id: '' }, command, false, { identity_provider: command.identity_provider }), activated(command.at)];
    case 'ActivateUser':
      mustExist(state);
      // An activation link works once: afterwards it is stale.
      if (state.activated) throw staleToken();
      return [activated(command.at)];
    case 'UpdateProfile': {
      mustExist(state);
      const next = {
        first_name: command.changes.first_name ?? state.first_name,
        last_name: command.changes.last_name ?? state.last_name,
        country: command.changes.country ?? state.country,
      };
      const same = next.first_name === state.first_name && next.last_name === state.last_name && next.country === state.country;
      return same ? [] : [{ type: 'ProfileUpdated', data: { ...next, kpi_country: kpiCountry(next.country) } }];
    }
    case 'GrantRole':
      mustExist(state);
      // Granting a role the user already has records nothing.
      return state.roles.includes(command.role) ? [] : [{ type: 'RoleGranted', data: { role: command.role, granted_at: command.at.toISOString() } }];
    case 'BlockUser':
      mustExist(state);
      if (state.blocked) throw new DomainError('already_blocked', `User ${state.email} is already blocked.`, 409);
      return [{ type: 'UserBlocked', data: { reason: command.reason, at: command.at.toISOString() } }];
    case 'UnblockUser':
      mustExist(state);
      if (!state.blocked) throw new DomainError('already_active', `User ${state.email} is already active.`, 409);
      return [{ type: 'UserUnblocked', data: { reason: command.reason, at: command.at.toISOString() } }];
    case 'ChangePassword':
      mustExist(state);
      if (!isActive(state)) throw userNotFound();
      // A reset link or a session issued before the last change is stale.
      if (command.expected_credentials_version !== state.credentials_version) throw staleToken();
      return [{
        type: 'PasswordChanged',
        data: {
          credential_id: command.credential_id,
          credential_version: state.credentials_version + 1,
          reason: command.reason,
          changed_at: command.at.toISOString(),
        },
      }];
    case 'ChangeEmail':
      mustExist(state);
      if (!isActive(state)) throw userNotFound();
      return command.email === state.email ? [] : [{ type: 'EmailChanged', data: { email: command.email, via: command.via, changed_at: command.at.toISOString() } }];
    case 'CloseCustomer':
      mustExist(state);
      // Closing twice records it once: a retry after a crash repeats only the clean-up.
      return state.closed ? [] : [{ type: 'CustomerClosed', data: { closed_at: command.at.toISOString() } }];
    case 'EraseUser':
      // Refuses nothing but a user that never existed: the caller decides when erasure is allowed.
      if (!state.exists) throw userNotFound();
      return state.erased ? [] : [{ type: 'UserErased', data: { erased_at: command.at.toISOString() } }];
  }
}

export const userDecider: Decider<UserCommand, UserState, UserEvent> = {
  initialState: initialUserState,
  evolve: evolveUser,
  decide: decideUser,
};

export const userStream = (userId: string): string => `user-${userId}`;
