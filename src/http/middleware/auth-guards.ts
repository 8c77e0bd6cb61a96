import type { Request, RequestHandler } from 'express';
import type { Authenticator, Principal, Role } from '../auth/principal.js';
import { forbidden, unauthorized } from '../problem.js';

/** Resolves the caller (if any) for every request; bad credentials are a 401 at once. */
export function authenticate(authenticator: Authenticator): RequestHandler {
  return async (req, _res, next) => {
    try {
      req.principal = (await authenticator.authenticate(req)) ?? undefined;
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** 401 without a caller; 403 when the caller has none of `roles` (any role when empty). */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.principal) return next(unauthorized());
    if (roles.length > 0 && !roles.some((r) => req.principal!.roles.includes(r))) return next(forbidden());
    next();
  };
}

export const requireUser = requireRole();
export const requireStaff = requireRole('staff');

/** The authenticated caller of a route behind `requireUser`. */
export function principal(req: Request): Principal {
  if (!req.principal) throw unauthorized();
  return req.principal;
}
