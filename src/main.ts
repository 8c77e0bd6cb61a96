import type { Server } from 'node:http';
import { ConfigError } from './config/config.js';
import { loadDotEnv, loadSettings, reportConfigError, type Settings } from './config/settings.js';
import { adminHandlers, describeAdminError } from './cli/admin-handlers.js';
import { createApp } from './http/app.js';
import { serveAdminSocket } from './infra/admin-socket.js';
import { answerClientError } from './http/client-error.js';
import { createLogger } from './infra/logger.js';
import { openInfrastructure } from './infra/open-infrastructure.js';
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
  const infra = await openInfrastructure(config, logger);
  const service = await buildService(config, logger, infra, checkpointConfig);
  const app = createApp(service.deps);
  const server: Server = app.listen(config.port, config.host);
  // Slow clients must not hold connections open forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  // What Node's parser refuses (431, 400, 408) is answered as problem+json too.
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, host: config.host, event_store: infra.store.kind }, `listening on http://${config.host}:${port}`);
  // The embedded store is this process's alone: the CLI's createsuperuser comes in through the data folder's socket.
  const admin = infra.store.kind === 'pglite' ? await serveAdminSocket(config.dataDir, adminHandlers(service.deps), describeAdminError(logger)) : undefined;

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close();
    server.closeIdleConnections();
    admin?.close();
    await service.stop();
    await infra.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('fatal:', error);
  process.exit(1);
});
