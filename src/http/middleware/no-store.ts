import type { RequestHandler } from 'express';

/**
 * `Cache-Control: no-store` and `Pragma: no-cache` (for HTTP/1.0 caches): no
 * browser, proxy or CDN may keep the response. For the credential endpoints,
 * whose answers carry access and refresh tokens (RFC 6749 §5.1 asks the same).
 */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  next();
};
