import type { Profile } from '../commands.js';
import type { UserEvent } from '../events.js';
import { kpiCountry } from '../kpi-country.js';

export interface NewUser {
  user_id: string;
  email: string;
  credential_id: string;
}

/** The UserRegistered event every way of joining records. */
export function registered(user: NewUser, profile: Profile, staff: boolean, at: Date, extra: { identity_provider?: string } = {}): UserEvent {
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
      registered_at: at.toISOString(),
      ...extra,
    },
  };
}

export const activated = (at: Date): UserEvent => ({ type: 'UserActivated', data: { activated_at: at.toISOString() } });
