import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { AppDeps } from './deps.js';
import { authenticate } from './middleware/auth-guards.js';
import { errorHandler, notFoundHandler } from './middleware/errors.js';
import { minPosition } from './middleware/min-position.js';
import { stripTrailingSlash } from './middleware/trailing-slash.js';
import { requestValidator } from './openapi/request-validator.js';
import { docsRoutes } from './routes/docs.js';
import { featureRoutes } from './routes/index.js';

const MIN_POSITION_TIMEOUT_MS = 5_000;

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(pinoHttp({ logger: deps.logger, autoLogging: deps.config.logLevel === 'debug' || deps.config.logLevel === 'trace' }));
  app.use(stripTrailingSlash);
  app.use(express.json({ limit: '16kb', strict: true }));
  app.use(docsRoutes(deps.openapi));
  app.get('/health', async (_req, res, next) => {
    try {
      res.json({ status: 'ok', event_store: deps.store.kind, head_position: (await deps.store.headPosition()).toString() });
    } catch (error) {
      next(error);
    }
  });
  app.use(requestValidator(deps.openapi));
  app.use(authenticate(deps.authenticator));
  app.use(minPosition(deps.readModels, MIN_POSITION_TIMEOUT_MS));
  for (const router of featureRoutes(deps)) app.use(router);
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
