import express, { type Router } from 'express';
import { activateUser } from '../../commands/users/activate-user.js';
import { confirmEmailReset, requestEmailReset, setEmail } from '../../commands/users/change-email.js';
import type { AuthDeps } from '../../commands/users/auth-deps.js';
import { loadUser } from '../../commands/users/load-user.js';
import { registerUser, resendActivation } from '../../commands/users/register-user.js';
import { confirmPasswordReset, requestPasswordReset } from '../../commands/users/reset-password.js';
import { setPassword } from '../../commands/users/set-password.js';
import { updateProfile } from '../../commands/users/update-profile.js';
import { normalizeEmail } from '../../domain/users/email.js';
import { isActive, type UserState } from '../../domain/users/state.js';
import { listUsers, type UserRow } from '../../projections/users/user-queries.js';
import { isSessionAware } from '../auth/create-authenticator.js';
import type { Queryable } from '../../infra/db.js';
import type { Authenticator } from '../auth/principal.js';
import { requestContext } from '../auth/request-context.js';
import type { components } from '../generated/openapi.js';
import { principal, requireUser } from '../middleware/auth-guards.js';
import { pageOf, pageResult } from '../pagination.js';
import { notFoundProblem, unauthorized } from '../problem.js';

type Schemas = components['schemas'];

export function userView(user: UserState): Schemas['User'] {
  return {
    id: user.user_id,
    email: user.email,
    country: user.country,
    first_name: user.first_name,
    last_name: user.last_name,
    is_staff: user.is_staff,
    is_active: isActive(user),
    date_joined: user.date_joined,
  };
}

function rowView(r: UserRow): Schemas['User'] {
  return {
    id: r.user_id,
    email: r.email,
    country: r.country,
    first_name: r.first_name,
    last_name: r.last_name,
    is_staff: r.is_staff,
    is_active: r.activated && !r.blocked && !r.closed,
    date_joined: new Date(r.date_joined).toISOString(),
  };
}

/** Registration and self-service (djoser-style); bodies are validated against openapi/auth.yaml first. */
export function authUserRoutes(deps: AuthDeps, db: Queryable, authenticator?: Authenticator): Router {
  const router = express.Router();

  router.post('/auth/users', async (req, res) => {
    const body = req.body as Schemas['RegisterRequest'];
    const created: Schemas['RegisteredUser'] = await registerUser(deps, body, requestContext(req));
    res.status(201).json(created);
  });

  router.post('/auth/users/activation', async (req, res) => {
    const { uid, token } = req.body as Schemas['UidToken'];
    await activateUser(deps, uid, token, requestContext(req));
    res.status(204).end();
  });

  router.post('/auth/users/resend_activation', async (req, res) => {
    await resendActivation(deps, (req.body as Schemas['EmailOnly']).email, requestContext(req));
    res.status(204).end();
  });

  router.get('/auth/users/me', requireUser, async (req, res) => {
    const user = await loadUser(deps.repo, principal(req).user_id);
    if (!user.exists) throw unauthorized();
    res.json(userView(user));
  });

  // djoser's list: a customer sees only themselves, staff everyone (newest first, cursor pages, exact email filter).
  router.get('/auth/users', requireUser, async (req, res) => {
    const caller = principal(req);
    const page = pageOf(req);
    const email = typeof req.query.email === 'string' ? normalizeEmail(req.query.email) : undefined;
    const rows = await listUsers(db, { ...(caller.is_staff ? {} : { user_id: caller.user_id }), ...(email !== undefined ? { email } : {}) }, page.limit, page.before);
    res.json(pageResult(rows, page, (r) => BigInt(r.position), rowView));
  });

  router.post('/auth/users/set_email', requireUser, async (req, res) => {
    await setEmail(deps, principal(req).user_id, req.body as Schemas['SetEmail'], requestContext(req));
    res.status(204).end();
  });

  router.post('/auth/users/reset_email', async (req, res) => {
    await requestEmailReset(deps, (req.body as Schemas['EmailOnly']).email, requestContext(req));
    res.status(204).end();
  });

  router.post('/auth/users/reset_email_confirm', async (req, res) => {
    await confirmEmailReset(deps, req.body as Schemas['ResetEmailConfirm'], requestContext(req));
    res.status(204).end();
  });

  router.patch('/auth/users/me', requireUser, async (req, res) => {
    const changes = req.body as Schemas['ProfileUpdate'];
    const user = await updateProfile(deps, principal(req).user_id, changes, requestContext(req));
    res.json(userView(user));
  });

  // Self or staff; anyone else's id answers as an unknown one (404), never 403.
  router.get('/auth/users/:id', requireUser, async (req, res) => {
    const caller = principal(req);
    const id = String(req.params.id);
    const user = caller.user_id === id || caller.is_staff ? await loadUser(deps.repo, id) : undefined;
    if (!user?.exists || user.erased) throw notFoundProblem('User not found.');
    res.json(userView(user));
  });

  router.post('/auth/users/reset_password', async (req, res) => {
    await requestPasswordReset(deps, (req.body as Schemas['EmailOnly']).email, requestContext(req));
    res.status(204).end();
  });

  router.post('/auth/users/reset_password_confirm', async (req, res) => {
    await confirmPasswordReset(deps, req.body as Schemas['ResetPasswordConfirm'], requestContext(req));
    res.status(204).end();
  });

  router.post('/auth/users/set_password', requireUser, async (req, res) => {
    const caller = principal(req);
    await setPassword(deps, caller.user_id, req.body as Schemas['SetPassword'], requestContext(req));
    // This session's token stops at once here; the user's other sessions within a second.
    if (authenticator && isSessionAware(authenticator)) authenticator.forgetSession(caller.session_id);
    res.status(204).end();
  });

  return router;
}
