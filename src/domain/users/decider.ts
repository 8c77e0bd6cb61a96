import { dispatch } from '../shared/decider.js';
import type { Decider } from '../shared/event.js';
import type { UserCommand } from './commands.js';
import { activateUser } from './decide/activate-user.js';
import { blockUser } from './decide/block-user.js';
import { changeEmail } from './decide/change-email.js';
import { changePassword } from './decide/change-password.js';
import { closeCustomer } from './decide/close-customer.js';
import { createSuperuser } from './decide/create-superuser.js';
import { eraseUser } from './decide/erase-user.js';
import { grantRole } from './decide/grant-role.js';
import { registerExternalUser } from './decide/register-external-user.js';
import { registerUser } from './decide/register-user.js';
import { unblockUser } from './decide/unblock-user.js';
import { updateProfile } from './decide/update-profile.js';
import type { UserEvent } from './events.js';
import { evolveUser, initialUserState, type UserState } from './state.js';

/** The user aggregate: one decide function per command, in decide/<command>.ts. */
export const decideUser = dispatch<UserCommand, UserState, UserEvent>({
  RegisterUser: registerUser,
  CreateSuperuser: createSuperuser,
  RegisterExternalUser: registerExternalUser,
  ActivateUser: activateUser,
  UpdateProfile: updateProfile,
  GrantRole: grantRole,
  BlockUser: blockUser,
  UnblockUser: unblockUser,
  ChangePassword: changePassword,
  ChangeEmail: changeEmail,
  CloseCustomer: closeCustomer,
  EraseUser: eraseUser,
});

export const userDecider: Decider<UserCommand, UserState, UserEvent> = {
  initialState: initialUserState,
  evolve: evolveUser,
  decide: decideUser,
};

export const userStream = (userId: string): string => `user-${userId}`;
