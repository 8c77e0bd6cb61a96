import { startIdempotencyPruning } from './commands/shared/idempotency-pruning.js';
import { ensureBillers } from './commands/bills/ensure-billers.js';
import { ensureSystemAccounts } from './commands/accounts/system-accounts.js';
import { AggregateRepository } from './commands/shared/aggregate-repository.js';
import { startProcesses } from './processes/start-processes.js';
import { loadRiskConfig } from './config/risk-config.js';
import { IdempotencyStore } from './commands/shared/idempotency.js';
import { SnapshotStore } from './commands/shared/snapshots.js';
import type { Config } from './config/config.js';
import type { AppDeps } from './http/deps.js';
import { loadOpenApi } from './http/openapi/load.js';
import type { Infrastructure } from './infra/open-infrastructure.js';
import type { Logger } from './infra/logger.js';
import { createMailer } from './infra/mailer.js';
import { createAuthenticator } from './http/auth/create-authenticator.js';
import { createSecurity } from './commands/security/security.js';
import { startReadModels, type ReadModels } from './projections/read-models.js';
import { createChainCheckpoints } from './commands/checkpoints/chain-checkpoints.js';
import { loadCheckpointConfig, type CheckpointConfig } from './config/checkpoint-config.js';
import { openIdentityStores } from './commands/users/identity-stores.js';
import { NotificationFeed } from './http/live/notification-feed.js';

export interface Service {
  deps: AppDeps;
  readModels: ReadModels;
  stop(): Promise<void>;
}

/** The composition root (the schemas are migrated by openInfrastructure): repositories, read models, HTTP dependencies. */
export async function buildService(
  config: Config,
  logger: Logger,
  infra: Infrastructure,
  checkpointConfig: CheckpointConfig = loadCheckpointConfig(config),
): Promise<Service> {
  const identity = await openIdentityStores(infra.db, config);
  // Aggregates and processes read events with their personal fields opened.
  const repo = new AggregateRepository(infra.opened, new SnapshotStore(infra.db));
  const riskConfig = loadRiskConfig();
  await ensureSystemAccounts(repo);
  await ensureBillers(repo);
  const readModels = await startReadModels(config, logger, infra);
  const checkpoints = createChainCheckpoints(checkpointConfig, infra.store, logger.child({ component: 'checkpoints' }));
  // The processes (settlement, hold expiry, risk, periodic checkpoints) run beside the projectors,
  // here or in `npm run projector`; any process with the key signs on demand.
  const processes = readModels.projecting ? startProcesses(infra, logger, { risk: riskConfig, checkpoints }) : undefined;
  const base = {
    config,
    logger,
    store: infra.store,
    db: infra.db,
    repo,
    ...identity,
    personal: infra.personal,
    idempotency: new IdempotencyStore(infra.db),
    mailer: createMailer(config, logger),
    readModels,
    openapi: loadOpenApi(),
    security: createSecurity(config, infra.store, logger.child({ component: 'security' })),
    checkpoints,
    // Reads the log as stored: the notifications use no personal field.
    live: new NotificationFeed(infra.store, logger.child({ component: 'live-notifications' })),
  };
  await base.live.start();
  const deps: AppDeps = { ...base, authenticator: await createAuthenticator(base) };
  const pruning = startIdempotencyPruning(infra.db, config.idempotencyKeyTtlHours, logger.child({ component: 'idempotency' }));
  return {
    deps,
    readModels,
    async stop() {
      await deps.live.stop(); // closes the sockets (1001): clients resume from their last position
      pruning.stop();
      await deps.security.stop(); // appends the security hits counted since the last flush
      await processes?.stop();
      await checkpoints.signer?.stop();
      await readModels.stop();
    },
  };
}
