import type { Request, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { SecurityConfig } from '../../config/config.js';
import type { HitRecorder } from '../../commands/security/hit-recorder.js';
import { HttpProblem } from '../problem.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const pass: RequestHandler = (_req, _res, next) => next();

const ipOf = (req: Request) => req.clientIp ?? req.ip ?? 'unknown';

interface Scope {
  scope: string;
  windowMs: number;
  limit: (req: Request) => number;
  key: (req: Request) => string;
  skip?: (req: Request) => boolean;
}

/** One express-rate-limit limiter: a 429 problem with Retry-After, counted as a `rate_limited` hit. */
function limiter(s: Scope, hits: HitRecorder): RequestHandler {
  return rateLimit({
    windowMs: s.windowMs,
    limit: s.limit,
    keyGenerator: (req) => s.key(req),
    ...(s.skip ? { skip: s.skip } : {}),
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // Keys are built from the already-normalised client address (see client-ip.ts).
    validate: { keyGeneratorIpFallback: false, trustProxy: false, xForwardedForHeader: false },
    handler: (req, res, next) => {
      const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime?.getTime();
      const seconds = Math.max(1, Math.ceil(((reset ?? Date.now() + s.windowMs) - Date.now()) / 1000));
      hits.add('rate_limited', s.scope, s.key(req), ipOf(req));
      res.setHeader('Retry-After', String(seconds));
      next(new HttpProblem(429, 'rate_limited', `Request was throttled. Expected available in ${seconds} seconds.`, { scope: s.scope, retry_after: seconds }));
    },
  });
}

const chain = (first: RequestHandler, second: RequestHandler): RequestHandler => (req, res, next) =>
  first(req, res, (error?: unknown) => (error === undefined ? second(req, res, next) : next(error)));

export interface RateLimits {
  /** Per user when authenticated, else per IP; after authentication, before the body is read. */
  general: RequestHandler;
  /** POST /auth/jwt/create per IP and email, after the body is parsed and before argon2. */
  login: RequestHandler;
  /** POST /auth/users/reset_password per IP. */
  passwordReset: RequestHandler;
}

export function rateLimits(config: SecurityConfig, hits: HitRecorder): RateLimits {
  if (!config.rateLimitsEnabled) return { general: pass, login: pass, passwordReset: pass };
  const emailOf = (req: Request) => {
    const email = (req.body as { email?: unknown } | undefined)?.email;
    return typeof email === 'string' ? email.trim().toLowerCase() : '';
  };
  return {
    general: chain(
      limiter({ scope: 'anon', windowMs: MINUTE, limit: () => config.rateLimitAnonPerMinute, key: ipOf, skip: (req) => req.principal !== undefined }, hits),
      limiter({ scope: 'user', windowMs: MINUTE, limit: () => config.rateLimitUserPerMinute, key: (req) => req.principal?.user_id ?? '', skip: (req) => req.principal === undefined }, hits),
    ),
    login: limiter({
      scope: 'login',
      windowMs: MINUTE,
      limit: () => config.rateLimitLoginPerMinute,
      key: (req) => `${ipOf(req)}|${emailOf(req)}`,
    }, hits),
    passwordReset: limiter({
      scope: 'password_reset',
      windowMs: HOUR,
      limit: () => config.rateLimitPasswordResetPerHour,
      key: (req) => ipOf(req),
    }, hits),
  };
}
