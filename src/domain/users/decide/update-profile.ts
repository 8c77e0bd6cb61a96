import type { CommandOf } from '../../shared/decider.js';
import type { UserCommand } from '../commands.js';
import type { UserEvent } from '../events.js';
import { kpiCountry } from '../kpi-country.js';
import type { UserState } from '../state.js';
import { mustExist } from './guards.js';

/** Changes names and country; unchanged values record nothing. */
export function updateProfile(command: CommandOf<UserCommand, 'UpdateProfile'>, state: UserState): UserEvent[] {
  mustExist(state);
  const next = {
    first_name: command.changes.first_name ?? state.first_name,
    last_name: command.changes.last_name ?? state.last_name,
    country: command.changes.country ?? state.country,
  };
  const same = next.first_name === state.first_name && next.last_name === state.last_name && next.country === state.country;
  return same ? [] : [{ type: 'ProfileUpdated', data: { ...next, kpi_country: kpiCountry(next.country) } }];
}
