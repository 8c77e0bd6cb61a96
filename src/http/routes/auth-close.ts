import express, { type Router } from 'express';
import { closeCustomer } from '../../commands/users/close-customer.js';
import { isSessionAware } from '../auth/create-authenticator.js';
import { requestContext } from '../auth/request-context.js';
import type { AppDeps } from '../deps.js';
import type { components } from '../generated/openapi.js';
import { principal, requireUser } from '../middleware/auth-guards.js';

/** DELETE /auth/users/me: the customer closes their relationship (contract: openapi/auth.yaml). */
export function closeCustomerRoutes(deps: AppDeps): Router {
  const router = express.Router();
  router.delete('/auth/users/me', requireUser, async (req, res) => {
    const { current_password } = req.body as components['schemas']['CloseCustomerRequest'];
    const closed = await closeCustomer(deps, principal(req).user_id, current_password, requestContext(req));
    // Revoked sessions stop at once in this process too.
    if (isSessionAware(deps.authenticator)) for (const s of closed.sessions_revoked) deps.authenticator.forgetSession(s);
    res.status(204).end();
  });
  return router;
}
