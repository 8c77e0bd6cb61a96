import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/config/config.js';
import { randomBytes } from 'node:crypto';
import { E2E_KEYS } from '../../helpers/service.js';

const OIDC = {
  OIDC_ISSUER_URL: 'https://accounts.google.com',
  OIDC_CLIENT_ID: 'nexus-bank.apps.googleusercontent.com',
  OIDC_CLIENT_SECRET: 'client-secret',
  OIDC_REDIRECT_URI: 'https://api.nexus-banking.com/auth/social/complete/',
};
const base = { ...E2E_KEYS, NODE_ENV: 'test' };

describe('configuration: OpenID Connect sign-in', () => {
  it('is off without OIDC_* and on with all four', () => {
    expect(loadConfig(base).oidc).to.equal(undefined);
    expect(loadConfig({ ...base, ...OIDC }).oidc).to.deep.equal({
      issuerUrl: OIDC.OIDC_ISSUER_URL, clientId: OIDC.OIDC_CLIENT_ID, clientSecret: OIDC.OIDC_CLIENT_SECRET, redirectUri: OIDC.OIDC_REDIRECT_URI,
    });
  });

  it('refuses a partial configuration, naming what is missing', () => {
    for (const name of Object.keys(OIDC) as (keyof typeof OIDC)[]) {
      const env: Record<string, string> = { ...base, ...OIDC };
      delete env[name];
      expect(() => loadConfig(env), name).to.throw(ConfigError, new RegExp(`needs ${name}`));
    }
  });

  it('refuses URLs that are not http(s), fragments, and plain http in production', () => {
    expect(() => loadConfig({ ...base, ...OIDC, OIDC_ISSUER_URL: 'ftp://idp.example' })).to.throw(ConfigError, /^OIDC_ISSUER_URL/);
    expect(() => loadConfig({ ...base, ...OIDC, OIDC_REDIRECT_URI: 'https://api.example/cb#x' })).to.throw(ConfigError, /fragment/);
    expect(loadConfig({ ...base, ...OIDC, OIDC_ISSUER_URL: 'http://127.0.0.1:9000' }).oidc?.issuerUrl).to.equal('http://127.0.0.1:9000');
    const keys = { JWT_SECRET: randomBytes(48).toString('base64url'), DATA_MASTER_KEY: randomBytes(32).toString('hex'), EMAIL_HASH_KEY: randomBytes(32).toString('hex') };
    const production = { ...keys, NODE_ENV: 'production', EMAIL_MODE: 'drop', ...OIDC };
    expect(loadConfig(production).oidc?.clientId).to.equal(OIDC.OIDC_CLIENT_ID);
    expect(() => loadConfig({ ...production, OIDC_ISSUER_URL: 'http://idp.example' })).to.throw(ConfigError, /^OIDC_ISSUER_URL must start with https:/);
  });
});
