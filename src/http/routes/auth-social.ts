import express, { type Router } from 'express';
import type { Security } from '../../commands/security/security.js';
import type { AuthDeps } from '../../commands/users/auth-deps.js';
import { externalSignIn } from '../../commands/users/external-sign-in.js';
import type { OidcConfig } from '../../config/config.js';
import { OidcRejected, OidcRelyingParty, OidcUnavailable } from '../../infra/oidc-relying-party.js';
import { requestContext, userAgentOf } from '../auth/request-context.js';
import { FlowCookie } from '../oidc/flow-cookie.js';
import { HttpProblem } from '../problem.js';

const notConfigured = () => new HttpProblem(404, 'not_found', 'Sign-in with an external identity provider is not configured.');
const unavailable = () =>
  new HttpProblem(503, 'identity_provider_unavailable', 'The identity provider could not be reached; try again later.', {}, { 'Retry-After': '30' });
const refused = (detail: string) => new HttpProblem(400, 'social_auth_failed', detail);

/**
 * Sign-in through an OpenID Connect provider (spec 3.8, the original's
 * Google login through allauth, made generic): GET /auth/social/oidc sends the
 * browser to the provider; the provider sends it back to
 * GET /auth/social/complete, which checks the answer, links or registers the
 * user by verified email and redirects to the front end with a new session's
 * tokens, as the original did, but in the URL fragment (never sent to a
 * server, logged or leaked in a Referer) instead of the query string.
 * Without OIDC_* configuration both answer 404.
 */
export function authSocialRoutes(deps: AuthDeps, security: Security, config: { oidc: OidcConfig | undefined; nodeEnv: string; jwtSecret: string; frontendUrl: string }): Router {
  const router = express.Router();
  const oidc = config.oidc;
  if (!oidc) {
    router.get(['/auth/social/oidc', '/auth/social/complete'], () => {
      throw notConfigured();
    });
    return router;
  }
  const party = new OidcRelyingParty(oidc);
  const cookie = new FlowCookie(config.jwtSecret, config.nodeEnv === 'production');

  router.get('/auth/social/oidc', async (_req, res) => {
    let started;
    try {
      started = await party.start();
    } catch (error) {
      if (error instanceof OidcUnavailable) throw unavailable();
      throw error;
    }
    await cookie.set(res, started.flow, new Date());
    res.status(302).location(started.url).end();
  });

  router.get('/auth/social/complete', async (req, res) => {
    const flow = await cookie.read(req);
    cookie.clear(res);
    if (!flow) throw refused('No sign-in was started in this browser, or it expired: start again.');
    const q = req.originalUrl.indexOf('?');
    let identity;
    try {
      identity = await party.complete(q === -1 ? '' : req.originalUrl.slice(q + 1), flow);
    } catch (error) {
      if (error instanceof OidcRejected) throw refused(error.message);
      if (error instanceof OidcUnavailable) throw unavailable();
      throw error;
    }
    if (!identity.email || !identity.email_verified) {
      throw new HttpProblem(403, 'email_not_verified', 'The identity provider did not vouch for an email address of this account.');
    }
    const { access, refresh } = await externalSignIn(
      deps,
      security,
      { issuer: identity.issuer, email: identity.email, first_name: identity.given_name, last_name: identity.family_name },
      requestContext(req),
      userAgentOf(req),
    );
    const target = new URL('/auth/social/success', config.frontendUrl);
    target.hash = new URLSearchParams({ access, refresh }).toString();
    res.set('Referrer-Policy', 'no-referrer');
    res.status(302).location(target.href).end();
  });

  return router;
}
