import { systemContext } from '../commands/shared/command-context.js';
import { createSuperuser } from '../commands/users/create-superuser.js';
import type { AuthDeps } from '../commands/users/auth-deps.js';
import { DomainError } from '../domain/shared/domain-error.js';
import type { AdminAnswer, AdminHandlers } from '../infra/admin-socket.js';
import type { Logger } from '../infra/logger.js';
import { refusalLine } from './commands/createsuperuser.js';

/** What the embedded service runs for the CLI on its admin socket (src/infra/admin-socket.ts). */
export function adminHandlers(deps: Pick<AuthDeps, 'repo' | 'credentials' | 'emails'>): AdminHandlers {
  return {
    createsuperuser: (request) =>
      createSuperuser(deps, { email: String(request.email ?? ''), password: String(request.password ?? '') }, systemContext('cli:createsuperuser')),
  };
}

/** A refusal as its one line; anything else is logged here and told as a failure. */
export const describeAdminError = (logger: Logger) => (error: unknown): AdminAnswer => {
  if (error instanceof DomainError) return { ok: false, error: refusalLine(error) };
  logger.error({ err: error }, 'admin socket command failed');
  return { ok: false, error: 'the service failed to run it (see its log)' };
};
