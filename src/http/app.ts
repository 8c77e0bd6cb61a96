import express, { type Express, type Request, type Response } from 'express';
import { pinoHttp } from 'pino-http';
import type { AppDeps } from './deps.js';
import { apiKeys } from './middleware/api-keys.js';
import { authenticate } from './middleware/auth-guards.js';
import { clientIp } from './middleware/client-ip.js';
import { errorHandler, notFoundHandler } from './middleware/errors.js';
import { ipBlacklist } from './middleware/ip-blacklist.js';
import { minPosition } from './middleware/min-position.js';
import { noStore } from './middleware/no-store.js';
import { rateLimits } from './middleware/rate-limits.js';
import { socketToken } from './middleware/socket-token.js';
import { cors, securityHeaders } from './middleware/security-headers.js';
import { rejectUnsafeText } from './middleware/unsafe-text.js';
import { stripTrailingSlash } from './middleware/trailing-slash.js';
import { matchOperations } from './openapi/matched-operation.js';
import { requestValidator } from './openapi/request-validator.js';
import { securityGate } from './openapi/security-gate.js';
import { routeBySegment } from './route-by-segment.js';
import { consoleRoutes } from './routes/console.js';
import { docsRoutes } from './routes/docs.js';
import { healthRoutes } from './routes/health.js';
import { httpMetrics } from './middleware/http-metrics.js';
import { idempotentCommands } from './middleware/idempotent-commands.js';
import { requestId, requestIdOf } from './middleware/request-id.js';
import { featureRoutes } from './routes/index.js';

const MIN_POSITION_TIMEOUT_MS = 5_000;
const BODY_LIMIT = '16kb';
/** No operation takes a body on GET: one sent anyway is not read (so never a 400 or 413 there). */
const readsJsonBody = (req: unknown) => {
  const r = req as Request;
  return r.method !== 'GET' && r.method !== 'HEAD' && Boolean(r.is('application/json'));
};

/**
 * Middleware order: cheap refusals first, expensive work last.
 * request id, the contract operation (matched once) and metrics → headers, CORS and no-store under /auth → client IP → blacklisted IP (403)
 * → logging → API key (403) → docs, /health/*, /metrics → authentication (headers only)
 * → per-user / per-IP rate limit (before the body is read) → the operation's
 * security in the contract (401 anonymous, 403 without its role, before the
 * body is read) → JSON body (16 kB, 413 beyond; NUL or broken surrogates 400)
 * → contract validation → login and password-reset limits (before argon2)
 * → min_position → Idempotency-Key of commands the routes do not key themselves
 * → routes → 404 → problem+json errors.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // Responses are private and change with every command: no ETag (it hashed every body).
  app.set('etag', false);
  // X-Forwarded-For counts only when the peer is a configured proxy (TRUST_PROXY).
  app.set('trust proxy', deps.config.trustProxy.length > 0 ? deps.config.trustProxy : false);
  const security = deps.security;
  const limits = rateLimits(security.settings, security.hits);

  // First: the notifications socket's ?token= leaves the URL before anything logs it.
  app.use(socketToken);
  app.use(requestId);
  // The request's contract operation, matched once here; metrics, security gate, validation and keys read it.
  app.use(matchOperations(deps.openapi));
  app.use(httpMetrics());
  app.use(securityHeaders(deps.config.debug));
  app.use(cors(deps.config.corsOrigins));
  // Every /auth answer (tokens, profile, refusals) is kept out of caches.
  app.use('/auth', noStore);
  app.use(clientIp);
  app.use(ipBlacklist(security.settings.blacklistedIps, security.hits));
  // Per-request log lines at debug and trace only; below that the middleware would only cost.
  if (deps.config.logLevel === 'debug' || deps.config.logLevel === 'trace') app.use(pinoHttp({ logger: deps.logger, genReqId: (_req, res) => requestIdOf(res as unknown as Response) ?? '' }));
  app.use(apiKeys(security.settings.allowedApiKeys, security.hits));
  app.use(stripTrailingSlash);
  app.use(docsRoutes(deps.openapi));
  app.use(consoleRoutes());
  app.use(healthRoutes(deps));
  app.use(authenticate(deps.authenticator));
  app.use(limits.general);
  app.use(securityGate(deps.openapi));
  app.use(express.json({ limit: BODY_LIMIT, strict: true, type: readsJsonBody }));
  app.use(rejectUnsafeText);
  app.use(requestValidator(deps.openapi));
  app.post(['/auth/jwt/create', '/auth/login/init', '/auth/login/verify', '/auth/console/login'], limits.login);
  app.post('/auth/users/reset_password', limits.passwordReset);
  app.post('/auth/users/reset_email', limits.passwordReset);
  app.use(minPosition(deps.readModels, MIN_POSITION_TIMEOUT_MS));
  app.use(idempotentCommands(deps.idempotency));
  app.use(routeBySegment(featureRoutes(deps)));
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
