import express, { type Router } from 'express';
import { fromPackageRoot } from '../../infra/package-root.js';

/** The page and its script and style (src/http/static/dashboard, also what the compiled code serves). */
const ASSETS = fromPackageRoot('src', 'http', 'static', 'dashboard');

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
