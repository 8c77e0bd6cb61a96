import * as client from 'openid-client';
import type { OidcConfig } from '../config/config.js';

/** What one sign-in needs to keep between its start and the provider's answer (kept sealed in a cookie, never sent in the clear). */
export interface OidcFlow {
  state: string;
  nonce: string;
  code_verifier: string;
}

/** The provider's answer, checked: the ID token's subject and the email it (or its userinfo) vouches for. */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  email: string | undefined;
  email_verified: boolean;
  given_name: string;
  family_name: string;
}

/** The provider refused or the answer did not check out (state, code, ID token, nonce): safe to show, no secret in it. */
export class OidcRejected extends Error {
  override readonly name = 'OidcRejected';
}

/** The provider could not be reached or its metadata is unusable. */
export class OidcUnavailable extends Error {
  override readonly name = 'OidcUnavailable';
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * The bank as an OpenID Connect relying party (openid-client): authorization
 * code flow with PKCE (S256), state and nonce, client_secret_post at the token
 * endpoint. The provider's metadata is discovered on first use and kept; a
 * failed discovery is retried on the next sign-in. Plain http is allowed only
 * when the configuration allowed it (never in production).
 */
export class OidcRelyingParty {
  private configuration: Promise<client.Configuration> | undefined;

  constructor(private readonly config: OidcConfig) {}

  private discover(): Promise<client.Configuration> {
    if (!this.configuration) {
      const insecure = new URL(this.config.issuerUrl).protocol === 'http:';
      this.configuration = client
        .discovery(new URL(this.config.issuerUrl), this.config.clientId, { client_secret: this.config.clientSecret, redirect_uris: [this.config.redirectUri] }, client.ClientSecretPost(this.config.clientSecret), {
          execute: insecure ? [client.allowInsecureRequests] : [],
          timeout: 10,
        })
        .catch((error: unknown) => {
          this.configuration = undefined;
          throw new OidcUnavailable(`OpenID Connect discovery failed: ${error instanceof Error ? error.message : String(error)}`);
        });
    }
    return this.configuration;
  }

  /** A fresh flow and the provider's authorization URL for it. */
  async start(): Promise<{ flow: OidcFlow; url: string }> {
    const configuration = await this.discover();
    const flow: OidcFlow = { state: client.randomState(), nonce: client.randomNonce(), code_verifier: client.randomPKCECodeVerifier() };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.config.redirectUri,
      scope: 'openid email profile',
      response_type: 'code',
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(flow.code_verifier),
      code_challenge_method: 'S256',
    });
    return { flow, url: url.href };
  }

  /**
   * Checks the provider's answer (`query`: the callback's query string)
   * against the flow it belongs to, exchanges the code (with the PKCE
   * verifier), validates the ID token (signature, issuer, audience, expiry,
   * nonce), and reads the email from it or, when it carries none, from the
   * userinfo endpoint (whose subject must be the same).
   */
  async complete(query: string, flow: OidcFlow): Promise<OidcIdentity> {
    const configuration = await this.discover();
    const current = new URL(this.config.redirectUri);
    current.search = query;
    let claims: client.IDToken;
    let accessToken: string;
    try {
      const tokens = await client.authorizationCodeGrant(configuration, current, {
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        pkceCodeVerifier: flow.code_verifier,
        idTokenExpected: true,
      });
      claims = tokens.claims()!;
      accessToken = tokens.access_token;
    } catch (error) {
      throw rejection(error);
    }
    let profile: Record<string, unknown> = claims;
    if (typeof claims.email !== 'string') {
      try {
        profile = { ...(await client.fetchUserInfo(configuration, accessToken, claims.sub)), ...claims };
      } catch (error) {
        throw rejection(error);
      }
    }
    return {
      issuer: configuration.serverMetadata().issuer,
      subject: claims.sub,
      email: typeof profile.email === 'string' ? profile.email : undefined,
      email_verified: profile.email_verified === true || profile.email_verified === 'true',
      given_name: text(profile.given_name),
      family_name: text(profile.family_name),
    };
  }
}

/** The provider's own error (access_denied, …) or a failed check, as a message without tokens or codes. */
function rejection(error: unknown): Error {
  if (error instanceof client.AuthorizationResponseError) return new OidcRejected(`The provider answered ${error.error}.`);
  if (error instanceof client.ResponseBodyError) return new OidcRejected(`The provider refused the code (${error.error}).`);
  if (error instanceof client.ClientError) return new OidcRejected(`The provider's answer failed a check: ${error.message}`);
  return new OidcUnavailable(`The provider could not be reached: ${error instanceof Error ? error.message : String(error)}`);
}
