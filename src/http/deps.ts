import type { ChainCheckpoints } from '../commands/checkpoints/chain-checkpoints.js';
import type { Security } from '../commands/security/security.js';
import type { AggregateRepository } from '../commands/shared/aggregate-repository.js';
import type { IdempotencyStore } from '../commands/shared/idempotency.js';
import type { Config } from '../config/config.js';
import type { EventStore } from '../eventstore/port.js';
import type { Db } from '../infra/db.js';
import type { Logger } from '../infra/logger.js';
import type { Mailer } from '../infra/mailer.js';
import type { CredentialStore } from '../commands/credentials/credential-store.js';
import type { EmailIndex } from '../commands/users/email-index.js';
import type { PersonalData } from '../privacy/personal-data.js';
import type { Authenticator } from './auth/principal.js';
import type { ReadModelSync } from './middleware/min-position.js';
import type { OpenApiDocument } from './openapi/bundle.js';
import type { NotificationFeed } from './live/notification-feed.js';

/** Everything routes may use; built once in src/service.ts. */
export interface AppDeps {
  config: Config;
  logger: Logger;
  /** Appends seal personal fields; reads return events as stored (audit views redact them through viewEvents). */
  store: EventStore;
  db: Db;
  repo: AggregateRepository;
  /** Password hashes, transfer-code hashes, link nonces (cmd.credentials). */
  credentials: CredentialStore;
  /** Keyed email → user id (cmd.email_index). */
  emails: EmailIndex;
  /** Data keys; seals and opens personal fields. */
  personal: PersonalData;
  idempotency: IdempotencyStore;
  mailer: Mailer;
  authenticator: Authenticator;
  readModels: ReadModelSync;
  openapi: OpenApiDocument;
  /** Lockout policies, login-attempt recorder and security-hit counter (issue 4). */
  security: Security;
  /** Signed checkpoints of the hash chains: the signer (when on) and the trusted keys. */
  checkpoints: ChainCheckpoints;
  /** The live notifications of this process: one subscription to the log, fanned out to the sockets. */
  live: NotificationFeed;
}
