import { ConfigError } from './config/config.js';
import { loadDotEnv, loadSettings, reportConfigError, type Settings } from './config/settings.js';
import { adminHandlers, describeAdminError } from './cli/admin-handlers.js';
import { createApp } from './http/app.js';
import { serveAdminSocket } from './infra/admin-socket.js';
import { answerClientError } from './http/client-error.js';
import { serveUpgrades } from './http/live/upgrade.js';
import { createLogger } from './infra/logger.js';
import { openInfrastructure } from './infra/open-infrastructure.js';
import { waitForDatabase } from './infra/wait-for-database.js';
import { drainableServer } from './lifecycle/http-drain.js';
import { bounded, FOLLOWERS_STOP_MS, stopOnSignals } from './lifecycle/shutdown.js';
import { databaseStartFailure } from './lifecycle/start-failure.js';
import { buildService } from './service.js';

async function main(): Promise<void> {
  let settings: Settings;
  try {
    loadDotEnv();
    settings = loadSettings();
  } catch (error) {
    if (error instanceof ConfigError) {
      reportConfigError(error);
      process.exit(2);
    }
    throw error;
  }
  const { config, checkpoints: checkpointConfig } = settings;
  const logger = createLogger(config);
  if (config.databaseUrl) await waitForDatabase(config.databaseUrl, config.databaseConnectTimeoutSeconds, (line) => console.error(line));
  const infra = await openInfrastructure(config, logger);
  const service = await buildService(config, logger, infra, checkpointConfig);
  const app = createApp(service.deps);
  const http = drainableServer(app);
  const server = http.server;
  server.listen(config.port, config.host);
  // Slow clients must not hold connections open forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = config.httpKeepAliveTimeoutSeconds * 1000;
  // What Node's parser refuses (431, 400, 408) is answered as problem+json too.
  server.on('clientError', answerClientError);
  // WebSocket handshakes (GET /ws/notifications) go through the same app.
  serveUpgrades(server, app);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, host: config.host, event_store: infra.store.kind }, `listening on http://${config.host}:${port}`);
  // The embedded store is this process's alone: the CLI's createsuperuser comes in through the data folder's socket.
  const admin = infra.store.kind === 'pglite' ? await serveAdminSocket(config.dataDir, adminHandlers(service.deps), describeAdminError(logger)) : undefined;

  // SIGTERM/SIGINT: stop accepting, let requests in flight finish (bounded; the rest are answered 503),
  // release their idempotency claims, stop the followers at a checkpoint, then close the pools.
  stopOnSignals(logger, async (signal) => {
    logger.info({ signal, grace_seconds: config.shutdownGraceSeconds, in_flight: http.inFlight() }, 'shutting down: draining requests');
    const drained = await http.drain(config.shutdownGraceSeconds * 1000);
    let released = 0;
    await bounded(logger, 'release idempotency claims', async () => (released = await service.deps.idempotency.close()), FOLLOWERS_STOP_MS);
    admin?.close();
    await bounded(logger, 'stop followers', () => service.stop(), FOLLOWERS_STOP_MS);
    await bounded(logger, 'close pools', () => infra.close(), FOLLOWERS_STOP_MS);
    logger.info({ signal, ...drained, released_claims: released }, 'stopped');
  });
}

main().catch((error: unknown) => {
  // An unreachable database is an operating condition, said in one line; anything else is a bug, with its stack.
  const line = databaseStartFailure(error);
  if (line) console.error(line);
  else console.error('fatal:', error);
  process.exit(1);
});
