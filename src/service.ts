import { ensureBillers } from './commands/bills/ensure-billers.js';
import { ensureSystemAccounts } from './commands/accounts/system-accounts.js';
import { AggregateRepository } from './commands/shared/aggregate-repository.js';
import { SettlementProcess } from './commands/transfers/settlement-process.js';
import { HoldExpiryProcess } from './commands/transfers/hold-expiry-process.js';
import { RiskProcess } from './commands/risk/risk-process.js';
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
import { createChainCheckpoints } from './commands/audit/chain-checkpoints.js';
import { loadCheckpointConfig, type CheckpointConfig } from './config/checkpoint-config.js';
import { openIdentityStores } from './commands/users/identity-stores.js';
import { CredentialStore } from './commands/credentials/credential-store.js';
import { EmailIndex } from './commands/users/email-index.js';

export interface Service {
  deps: AppDeps;
  readModels: ReadModels;
  stop(): Promise<void>;
}

/** The command side's own tables (the event store and the projections make theirs). */
export async function migrateServiceTables(db: Infrastructure['db']): Promise<void> {
  await SnapshotStore.migrate(db);
  await IdempotencyStore.migrate(db);
  await SettlementProcess.migrate(db);
  await RiskProcess.migrate(db);
  await CredentialStore.migrate(db);
  await EmailIndex.migrate(db);
}

/** The composition root: command-side tables, repositories, read models, HTTP dependencies. */
export async function buildService(
  config: Config,
  logger: Logger,
  infra: Infrastructure,
  checkpointConfig: CheckpointConfig = loadCheckpointConfig(config),
): Promise<Service> {
  await migrateServiceTables(infra.db);
  const identity = await openIdentityStores(infra.db, config);
  // Aggregates and processes read events with their personal fields opened.
  const repo = new AggregateRepository(infra.opened, new SnapshotStore(infra.db));
  const riskConfig = loadRiskConfig();
  await ensureSystemAccounts(repo);
  await ensureBillers(repo);
  const readModels = await startReadModels(config, logger, infra);
  // The process managers run beside the projectors (here, or in `npm run projector`).
  const settlement = readModels.projecting
    ? new SettlementProcess(infra.opened, infra.db, new AggregateRepository(infra.opened, new SnapshotStore(infra.db)), logger.child({ component: 'settlement' }))
    : undefined;
  settlement?.start();
  const holdExpiry = readModels.projecting
    ? new HoldExpiryProcess(infra.opened, infra.db, new AggregateRepository(infra.opened, new SnapshotStore(infra.db)), logger.child({ component: 'hold-expiry' }))
    : undefined;
  holdExpiry?.start();
  const risk = readModels.projecting
    ? new RiskProcess(infra.opened, infra.db, new AggregateRepository(infra.opened, new SnapshotStore(infra.db)), riskConfig, logger.child({ component: 'risk' }))
    : undefined;
  risk?.start();
  const checkpoints = createChainCheckpoints(checkpointConfig, infra.store, logger.child({ component: 'checkpoints' }));
  // Periodic signing runs beside the projectors; any process with the key signs on demand.
  if (readModels.projecting) checkpoints.signer?.start(checkpointConfig.intervalSeconds * 1000);
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
  };
  const deps: AppDeps = { ...base, authenticator: await createAuthenticator(base) };
  return {
    deps,
    readModels,
    async stop() {
      await deps.security.stop(); // appends the security hits counted since the last flush
      await settlement?.stop();
      await holdExpiry?.stop();
      await risk?.stop();
      await checkpoints.signer?.stop();
      await readModels.stop();
    },
  };
}
