import type { AggregateRepository } from '../shared/aggregate-repository.js';
import type { Config } from '../../config/config.js';
import type { Logger } from '../../infra/logger.js';
import type { Mailer } from '../../infra/mailer.js';
import type { CredentialStore } from '../credentials/credential-store.js';
import type { TokenService } from '../sessions/token-service.js';
import type { EmailIndex } from './email-index.js';

/** What the user and session command handlers need. */
export interface AuthDeps {
  repo: AggregateRepository;
  config: Pick<Config, 'frontendUrl' | 'nodeEnv' | 'passwordOnlyLogin' | 'loginCodeTtlSeconds'>;
  mailer: Mailer;
  logger: Logger;
  tokens: TokenService;
  /** Password hashes and one-time link nonces (cmd.credentials). */
  credentials: CredentialStore;
  /** Keyed email → user id (cmd.email_index). */
  emails: EmailIndex;
}
