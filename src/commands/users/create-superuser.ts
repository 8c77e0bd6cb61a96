import { randomUUID } from 'node:crypto';
import { normalizeEmail } from '../../domain/users/email.js';
import { userStream } from '../../domain/users/decider.js';
import type { AggregateRepository } from '../shared/aggregate-repository.js';
import type { CommandContext } from '../shared/command-context.js';
import { idsFrom } from '../shared/ids.js';
import { userAggregate, userIdForEmail } from './load-user.js';
import { assertStrongPassword, hashPassword } from './passwords.js';

/** An active staff superuser, for operators (the CLI); never reachable over HTTP. */
export async function createSuperuser(
  repo: AggregateRepository,
  input: { email: string; password: string },
  context: CommandContext,
): Promise<{ id: string; email: string }> {
  const email = normalizeEmail(input.email);
  assertStrongPassword(input.password, { email }, 'password');
  const user_id = userIdForEmail(email);
  const password_hash = await hashPassword(input.password);
  await repo.execute(userAggregate, userStream(user_id), { type: 'CreateSuperuser', user_id, email, password_hash, at: context.now }, context, idsFrom(randomUUID()));
  return { id: user_id, email };
}
