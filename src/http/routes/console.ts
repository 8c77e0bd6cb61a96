import express, { type Response, type Router } from 'express';
import { fromPackageRoot } from '../../infra/package-root.js';

/** The console's built files (`npm run build` runs Vite over console/ into dist/console). */
export const CONSOLE_ASSETS = fromPackageRoot('dist', 'console');

/** Only this origin: the console loads nothing from elsewhere and talks only to this API (and its socket). */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const pageHeaders = (res: Response) => {
  res.set('Content-Security-Policy', CSP);
  res.set('Cache-Control', 'no-cache');
};

/**
 * GET /console and everything under it: the staff console, a single-page app.
 * Hashed assets (/console/assets/*) are cached for good; any other path is the
 * app's page (its router draws the view), so a reload of /console/users/… works.
 * The page holds no data; every number comes from the API with the signed-in
 * user's token.
 */
export function consoleRoutes(): Router {
  const router = express.Router();
  router.use(
    '/console/assets',
    express.static(fromPackageRoot('dist', 'console', 'assets'), { index: false, fallthrough: false, immutable: true, maxAge: '365d' }),
  );
  router.get(['/console', '/console/*rest'], (_req, res) => {
    pageHeaders(res);
    res.sendFile('index.html', { root: CONSOLE_ASSETS });
  });
  return router;
}
