import { randomUUID } from 'node:crypto';
import { DomainError } from '../../domain/shared/domain-error.js';
import { userStream } from '../../domain/users/decider.js';
import type { CommandContext } from '../shared/command-context.js';
import { idsFrom } from '../shared/ids.js';
import type { AuthDeps } from './auth-deps.js';
import { loadUser, userAggregate } from './load-user.js';
import { assertRetype, assertStrongPassword, currentPasswordHash, forgetOlderPasswords, storePassword, verifyPassword } from './passwords.js';
import { sendPasswordChangedMail } from './user-mails.js';

export interface PasswordChange {
  current_password: string;
  new_password: string;
  re_new_password?: string | undefined;
}

/** 400 invalid_password on `current_password`: the caller's proof for a change to their account. */
export const wrongCurrent = () =>
  new DomainError('invalid_password', 'Invalid password.', 400, { errors: [{ field: 'body.current_password', message: 'Invalid password.' }] });

/**
 * Changes the caller's password after checking the current one. Every token
 * issued before (this session's too) stops working: the client logs in again.
 */
export async function setPassword(deps: AuthDeps, userId: string, input: PasswordChange, context: CommandContext): Promise<void> {
  const user = await loadUser(deps.repo, userId);
  assertRetype(input.new_password, input.re_new_password, 'body.re_new_password');
  if (!(await verifyPassword(await currentPasswordHash(deps.credentials, user), input.current_password))) throw wrongCurrent();
  assertStrongPassword(input.new_password, user, 'body.new_password');
  const credential_id = await storePassword(deps.credentials, userId, input.new_password);
  await deps.repo.execute(
    userAggregate,
    userStream(userId),
    { type: 'ChangePassword', credential_id, reason: 'set_password', expected_credentials_version: user.credentials_version },
    context,
    idsFrom(randomUUID()),
  );
  await forgetOlderPasswords(deps.credentials, userId, credential_id);
  sendPasswordChangedMail(deps, user.email);
}
