import express, { type Router } from 'express';
import type { AppDeps } from '../deps.js';
import { closeCustomerRoutes } from './auth-close.js';
import { authConsoleRoutes } from './auth-console.js';
import { authDeps } from './auth-deps.js';
import { authJwtRoutes } from './auth-jwt.js';
import { authSocialRoutes } from './auth-social.js';
import { authTwoFactorRoutes } from './auth-two-factor.js';
import { authUserRoutes } from './auth-users.js';

/** Everything under /auth (contract: openapi/auth.yaml). */
export function authRoutes(deps: AppDeps): Router {
  const auth = authDeps(deps);
  const router = express.Router();
  router.use(authUserRoutes(auth, deps.db, deps.authenticator));
  router.use(closeCustomerRoutes(deps));
  router.use(authJwtRoutes(auth, deps.authenticator, deps.security));
  router.use(authSocialRoutes(auth, deps.security, deps.config));
  router.use(authTwoFactorRoutes({ ...auth, keyring: deps.personal.keyring }, deps.security));
  router.use(authConsoleRoutes({ ...auth, keyring: deps.personal.keyring }, deps.authenticator, deps.security, !deps.config.debug));
  return router;
}
