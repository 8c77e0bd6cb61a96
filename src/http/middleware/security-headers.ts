import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * helmet's headers. HSTS (one year, subdomains, preload) only when DEBUG is
 * off, as for secure cookies: a development server on plain http must not pin
 * the browser to https.
 */
export function securityHeaders(debug: boolean): RequestHandler {
  return helmet({
    strictTransportSecurity: debug ? false : { maxAge: 31_536_000, includeSubDomains: true, preload: true },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    frameguard: { action: 'deny' },
    // The docs pages (Swagger UI, Redoc) run inline bootstrap scripts and workers.
    contentSecurityPolicy: false,
  });
}

/** Attributes for any cookie the API sets: Secure only when DEBUG is off. */
export const cookieOptions = (debug: boolean) => ({ httpOnly: true, sameSite: 'lax' as const, secure: !debug, path: '/' });

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';
const ALLOWED_HEADERS = 'Authorization, Content-Type, Idempotency-Key, X-Request-Id, X-API-Key';

/**
 * CORS for the configured origins only: an allowed Origin is echoed (never `*`),
 * a preflight from it is answered 204, and any other origin gets no CORS headers.
 */
export function cors(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    res.vary('Origin');
    if (typeof origin !== 'string' || !allowed.has(origin)) return next();
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Expose-Headers', 'Retry-After, RateLimit, RateLimit-Policy, Location');
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}
