/**
 * The standalone projector process (`npm run projector`): runs every
 * projection, the transfer settlement, hold expiry and risk processes until SIGTERM/SIGINT. Run it when
 * the API processes start with PROJECTOR_IN_PROCESS=false.
 */
import { startProcesses } from '../processes/start-processes.js';
import { ConfigError } from '../config/config.js';
import { loadDotEnv, loadSettings, reportConfigError } from '../config/settings.js';
import { createChainCheckpoints } from '../commands/checkpoints/chain-checkpoints.js';
import { createLogger } from '../infra/logger.js';
import { openInfrastructure } from '../infra/open-infrastructure.js';
import { waitForDatabase } from '../infra/wait-for-database.js';
import { bounded, FOLLOWERS_STOP_MS, stopOnSignals } from '../lifecycle/shutdown.js';
import { databaseStartFailure } from '../lifecycle/start-failure.js';
import { projectorHealthCheck, startProjectorHealthServer } from './projector-health.js';
import { selectProjections } from './registry.js';
import { ProjectionRuntime } from './runtime/runtime.js';

async function main(): Promise<void> {
  loadDotEnv();
  const { config, risk, checkpoints: checkpointConfig } = loadSettings();
  // One projector per projection group: PROJECTOR_PROJECTIONS picks this process's read models (all by default).
  const projections = selectProjections(config.projectorProjections);
  const logger = createLogger(config).child({ component: 'projector' });
  if (config.databaseUrl) await waitForDatabase(config.databaseUrl, config.databaseConnectTimeoutSeconds, (line) => console.error(line));
  const infra = await openInfrastructure(config, logger);
  const runtime = new ProjectionRuntime(infra.opened, infra.db, logger, projections, { project: true, minGapMs: config.projectorBatchGapMs });
  await runtime.start();
  const checkpoints = createChainCheckpoints(checkpointConfig, infra.store, logger.child({ component: 'checkpoints' }));
  const processes = config.projectorProcesses ? startProcesses(infra, logger, { risk, checkpoints }) : undefined;
  const unsubscribe = infra.store.onAppended?.(() => runtime.nudge());
  const health = config.projectorHealthPort === undefined
    ? undefined
    : await startProjectorHealthServer(config.projectorHealthPort, config.host, projectorHealthCheck(() => runtime.status()));
  logger.info({ projections: runtime.projections.map((p) => p.name), processes: config.projectorProcesses, health_port: config.projectorHealthPort ?? null }, 'projector running');
  const report = setInterval(() => {
    runtime.status().then(
      (s) => logger.debug({ status: s }, 'projector status'),
      () => undefined,
    );
  }, 30_000);
  // SIGTERM/SIGINT: the processes and projectors finish their batch and save their checkpoint (bounded), then the pools close.
  stopOnSignals(logger, async (signal) => {
    logger.info({ signal }, 'projector stopping');
    clearInterval(report);
    health?.close();
    unsubscribe?.();
    await bounded(logger, 'stop processes', async () => processes?.stop(), FOLLOWERS_STOP_MS);
    await bounded(logger, 'stop projectors', () => runtime.stop(), FOLLOWERS_STOP_MS);
    await bounded(logger, 'close pools', () => infra.close(), FOLLOWERS_STOP_MS);
    logger.info({ signal }, 'projector stopped');
  });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    reportConfigError(error);
    process.exit(2);
  }
  console.error(databaseStartFailure(error) ?? error);
  process.exit(1);
});
