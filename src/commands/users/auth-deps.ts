import type { AggregateRepository } from '../shared/aggregate-repository.js';
import type { Config } from '../../config/config.js';
import type { Logger } from '../../infra/logger.js';
import type { Mailer } from '../../infra/mailer.js';
import type { TokenService } from '../sessions/token-service.js';

/** What the user and session command handlers need. */
export interface AuthDeps {
  repo: AggregateRepository;
  config: Pick<Config, 'frontendUrl'>;
  mailer: Mailer;
  logger: Logger;
  tokens: TokenService;
}
