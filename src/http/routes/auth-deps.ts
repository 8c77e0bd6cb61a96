import type { AuthDeps } from '../../commands/users/auth-deps.js';
import { TokenService } from '../../commands/sessions/token-service.js';
import type { AppDeps } from '../deps.js';

/** The command handlers' view of the app's dependencies. */
export function authDeps(deps: AppDeps): AuthDeps {
  return {
    repo: deps.repo,
    config: deps.config,
    mailer: deps.mailer,
    logger: deps.logger,
    tokens: new TokenService(deps.config),
    credentials: deps.credentials,
    emails: deps.emails,
  };
}
