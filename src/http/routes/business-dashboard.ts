import express, { type Router } from 'express';

/**
 * GET /business/dashboard: the old token-pasting dashboard, replaced by the
 * staff console (sign-in, charts per currency, CSV): a permanent redirect there.
 */
export function businessDashboard(): Router {
  const router = express.Router();
  router.get('/business/dashboard', (_req, res) => res.redirect(301, '/console/'));
  return router;
}
