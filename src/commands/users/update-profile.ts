import { randomUUID } from 'node:crypto';
import type { Profile } from '../../domain/users/commands.js';
import { userStream } from '../../domain/users/decider.js';
import type { UserState } from '../../domain/users/state.js';
import type { CommandContext } from '../shared/command-context.js';
import { idsFrom } from '../shared/ids.js';
import type { AuthDeps } from './auth-deps.js';
import { userAggregate } from './load-user.js';

/** Changes only the profile fields; staff, active and balances are not the user's to set. */
export async function updateProfile(deps: Pick<AuthDeps, 'repo'>, userId: string, changes: Partial<Profile>, context: CommandContext): Promise<UserState> {
  const trimmed: Partial<Profile> = {};
  for (const key of ['first_name', 'last_name', 'country'] as const) {
    const value = changes[key];
    if (value !== undefined) trimmed[key] = value.trim();
  }
  const { state } = await deps.repo.execute(userAggregate, userStream(userId), { type: 'UpdateProfile', changes: trimmed }, context, idsFrom(randomUUID()));
  return state;
}
