import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';

/** The page and its script and style, kept beside the source (src/http/static/dashboard). */
const fromModule = fileURLToPath(new URL('../static/dashboard/', import.meta.url));
const ASSETS = existsSync(fromModule) ? fromModule : 'src/http/static/dashboard/';

/** Only this origin: the page loads nothing from elsewhere and talks only to this API. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * GET /business/dashboard: a static page that asks for a staff access token
 * (kept in sessionStorage for the tab) and draws the daily series from
 * /business/daily as SVG charts. The page holds no data, so it is public;
 * every number comes from the staff-only JSON endpoints.
 */
export function businessDashboard(): Router {
  const router = express.Router();
  const headers = (res: express.Response) => {
    res.set('Content-Security-Policy', CSP);
    res.set('X-Content-Type-Options', 'nosniff');
    res.set('Referrer-Policy', 'no-referrer');
  };
  router.get('/business/dashboard', (_req, res) => {
    headers(res);
    res.sendFile('index.html', { root: ASSETS });
  });
  router.use(
    '/business/dashboard/assets',
    express.static(ASSETS, { index: false, fallthrough: true, setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff') }),
  );
  return router;
}
