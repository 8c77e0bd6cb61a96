import { createServer, type Server } from 'node:http';
import { expect } from 'chai';
import Provider from 'oidc-provider';
import { expectConforms } from '../helpers/contract.js';
import { freePort, startService, type RunningService } from '../helpers/service.js';
import { createStaff, registerUser, type TestUser, type Tokens } from '../helpers/users.js';

interface ProviderAccount {
  email: string;
  email_verified: boolean;
  given_name: string;
  family_name: string;
}

/**
 * A browser by hand: fetch without following redirects, and one cookie jar per
 * origin (the bank and the provider both live on 127.0.0.1, on different ports).
 */
class Browser {
  private readonly jars = new Map<string, Map<string, string>>();

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const origin = new URL(url).origin;
    const jar = this.jars.get(origin) ?? new Map<string, string>();
    this.jars.set(origin, jar);
    const headers: Record<string, string> = {};
    if (jar.size > 0) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, { method: init.method ?? 'GET', headers, redirect: 'manual', body: init.form ? new URLSearchParams(init.form).toString() : undefined });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const gone = value === '' || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()));
      if (gone) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }

  cookie(origin: string, name: string): string | undefined {
    return this.jars.get(origin)?.get(name);
  }

  setCookie(origin: string, name: string, value: string): void {
    const jar = this.jars.get(origin) ?? new Map<string, string>();
    jar.set(name, value);
    this.jars.set(origin, jar);
  }
}

const location = (res: Response, base: string) => new URL(res.headers.get('location')!, base).href;

describe('sign-in with an OpenID Connect provider (oidc-provider on 127.0.0.1, end to end)', function () {
  this.timeout(180_000);
  let svc: RunningService;
  let idp: Server;
  let issuer: string;
  let redirectUri: string;
  let staff: TestUser & Tokens;
  const accounts = new Map<string, ProviderAccount>();
  const account = (login: string, email_verified = true): string => {
    accounts.set(login, { email: `${login}@example.com`, email_verified, given_name: login[0]!.toUpperCase() + login.slice(1), family_name: 'Tester' });
    return login;
  };

  before(async () => {
    const [idpPort, bankPort] = [await freePort(), await freePort()];
    issuer = `http://127.0.0.1:${idpPort}`;
    redirectUri = `http://127.0.0.1:${bankPort}/auth/social/complete/`;
    const provider = new Provider(issuer, {
      clients: [{
        client_id: 'nexus-bank',
        client_secret: 'a-client-secret-only-this-test-knows',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      }],
      async findAccount(_ctx, id) {
        const found = accounts.get(id);
        return found ? { accountId: id, claims: async () => ({ sub: id, ...found }) } : undefined;
      },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['given_name', 'family_name'] },
      features: { devInteractions: { enabled: true } },
      pkce: { required: () => true },
      cookies: { keys: ['cookie-key-of-the-test-provider-0123456789'] },
      ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    });
    idp = createServer(provider.callback());
    await new Promise<void>((resolve) => idp.listen(idpPort, '127.0.0.1', resolve));
    svc = await startService({
      PORT: String(bankPort),
      OIDC_ISSUER_URL: issuer,
      OIDC_CLIENT_ID: 'nexus-bank',
      OIDC_CLIENT_SECRET: 'a-client-secret-only-this-test-knows',
      OIDC_REDIRECT_URI: redirectUri,
      FRONTEND_URL: 'https://app.example.test',
    });
    staff = await createStaff(svc, 'oidc-staff@example.com');
  });
  after(async () => {
    await svc?.stop();
    await new Promise((resolve) => idp?.close(resolve));
  });

  /** Starts at the bank and goes through the provider (its dev login and consent pages) until it sends the browser back: that URL. */
  async function throughProvider(browser: Browser, login: string): Promise<string> {
    const start = await browser.request(`${svc.baseUrl}/auth/social/oidc/`);
    expect(start.status).to.equal(302);
    expectConforms('get', '/auth/social/oidc', { status: start.status, headers: start.headers, body: await start.text() });
    let url = location(start, svc.baseUrl);
    expect(url.startsWith(`${issuer}/auth?`)).to.equal(true);
    expect(new URL(url).searchParams.get('code_challenge_method')).to.equal('S256');
    for (let step = 0; step < 20; step += 1) {
      if (url.startsWith(redirectUri.replace(/\/$/, ''))) return url;
      const res = await browser.request(url);
      if (res.status >= 300 && res.status < 400) {
        url = location(res, url);
        continue;
      }
      const page = await res.text();
      expect(res.status, page).to.equal(200);
      const form: Record<string, string> = page.includes('name="prompt" value="login"') ? { prompt: 'login', login, password: 'anything' } : { prompt: 'consent' };
      const submitted = await browser.request(url, { method: 'POST', form });
      expect(submitted.status, await submitted.clone().text()).to.be.within(300, 399);
      url = location(submitted, url);
    }
    throw new Error('the provider never sent the browser back');
  }

  /** The bank's answer to the provider's redirect, in the same browser. */
  const complete = (browser: Browser, callback: string) => browser.request(`${svc.baseUrl}${new URL(callback).pathname}${new URL(callback).search}`);

  /** A whole sign-in: the bank's tokens from the fragment of its redirect to the front end. */
  async function signIn(login: string): Promise<Tokens & { me: Record<string, unknown> }> {
    const browser = new Browser();
    const res = await complete(browser, await throughProvider(browser, login));
    expect(res.status, await res.clone().text()).to.equal(302);
    expectConforms('get', '/auth/social/complete', { status: res.status, headers: res.headers, body: await res.clone().text() });
    expect(res.headers.get('cache-control')).to.equal('no-store');
    const target = new URL(res.headers.get('location')!);
    expect(`${target.origin}${target.pathname}`).to.equal('https://app.example.test/auth/social/success');
    expect(target.search).to.equal('');
    const fragment = new URLSearchParams(target.hash.slice(1));
    const tokens = { access: fragment.get('access')!, refresh: fragment.get('refresh')! };
    expect(browser.cookie(svc.baseUrl, 'nexus_oidc_flow'), 'the flow cookie is used once').to.equal(undefined);
    const me = await svc.api.get('/auth/users/me/', { token: tokens.access });
    expect(me.status).to.equal(200);
    return { ...tokens, me: me.body };
  }

  it('registers a new customer from a verified email and returns working tokens; a second sign-in is the same user', async () => {
    const first = await signIn(account('alice'));
    expect(first.me).to.deep.include({ email: 'alice@example.com', first_name: 'Alice', last_name: 'Tester' });
    const refreshed = await svc.api.post('/auth/jwt/refresh/', { refresh: first.refresh });
    expect(refreshed.status).to.equal(200);
    const again = await signIn('alice');
    expect(again.me.id).to.equal(first.me.id);
    // No password was set: the password login knows no password for this user.
    const withPassword = await svc.api.post('/auth/jwt/create/', { email: 'alice@example.com', password: '' });
    expect(withPassword.status).to.be.oneOf([400, 401]);
    // Recorded as logins, as password logins are.
    const deadline = Date.now() + 15_000;
    let logins: Record<string, unknown>[] = [];
    while (Date.now() < deadline) {
      logins = (await svc.api.get(`/risk/logins?user_id=${String(first.me.id)}&kind=login`, { token: staff.access })).body.results;
      if (logins.length >= 2) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(logins.filter((l) => l.successful === true)).to.have.length(2);
  });

  it('links to the existing activated user with that email (same user id)', async () => {
    const bob: TestUser = await registerUser(svc, `${account('bob')}@example.com`);
    const signedIn = await signIn('bob');
    expect(signedIn.me.id).to.equal(bob.id);
  });

  it('refuses an answer whose state is not the flow cookie’s, and one without a flow cookie', async () => {
    account('carol');
    const mine = new Browser();
    const theirs = new Browser();
    const myCallback = await throughProvider(mine, 'carol');
    await throughProvider(theirs, 'carol');
    // Their browser brings my code and state, under their own flow cookie (a login CSRF).
    const forged = await complete(theirs, myCallback);
    expect(forged.status).to.equal(400);
    expect(forged.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect((await forged.json()).code).to.equal('social_auth_failed');
    expectConforms('get', '/auth/social/complete', { status: 400, headers: forged.headers, body: { type: 'about:blank', title: 'Bad Request', status: 400, code: 'social_auth_failed' } });
    const cookieless = await complete(new Browser(), myCallback);
    expect(cookieless.status).to.equal(400);
    // An altered cookie is no cookie.
    const tampered = new Browser();
    tampered.setCookie(svc.baseUrl, 'nexus_oidc_flow', `${mine.cookie(svc.baseUrl, 'nexus_oidc_flow')!.slice(0, -4)}AAAA`);
    expect((await complete(tampered, myCallback)).status).to.equal(400);
    // The untouched pair still works, once.
    expect((await complete(mine, myCallback)).status).to.equal(302);
  });

  it('refuses an email the provider has not verified', async () => {
    const browser = new Browser();
    const res = await complete(browser, await throughProvider(browser, account('dave', false)));
    expect(res.status).to.equal(403);
    expect((await res.json()).code).to.equal('email_not_verified');
    const noUser = await svc.api.post('/auth/users/resend_activation/', { email: 'dave@example.com' });
    expect(noUser.status).to.equal(204);
  });

  it('refuses staff, who sign in with their own login only', async () => {
    accounts.set('oidc-staff', { email: staff.email, email_verified: true, given_name: 'Staff', family_name: 'Member' });
    const browser = new Browser();
    const res = await complete(browser, await throughProvider(browser, 'oidc-staff'));
    expect(res.status).to.equal(403);
    expect((await res.json()).code).to.equal('staff_external_sign_in');
  });

  it('refuses a blocked user', async () => {
    const erin = await signIn(account('erin'));
    const blocked = await svc.api.post(`/admin/users/${String(erin.me.id)}/block/`, { reason: 'fraud review' }, { token: staff.access });
    expect(blocked.status, JSON.stringify(blocked.body)).to.equal(200);
    const browser = new Browser();
    const res = await complete(browser, await throughProvider(browser, 'erin'));
    expect(res.status).to.equal(403);
    expect((await res.json()).code).to.equal('account_blocked');
    expect(res.headers.get('location')).to.equal(null);
  });
});

describe('sign-in with an OpenID Connect provider, not configured', function () {
  this.timeout(120_000);
  let svc: RunningService;
  before(async () => {
    svc = await startService();
  });
  after(async () => {
    await svc?.stop();
  });

  it('answers 404 problems on both routes', async () => {
    for (const path of ['/auth/social/oidc/', '/auth/social/complete/?code=abc&state=def']) {
      const res = await svc.api.get(path);
      expect(res.status, path).to.equal(404);
      expect(res.body.code).to.equal('not_found');
      expectConforms('get', path.startsWith('/auth/social/oidc') ? '/auth/social/oidc' : '/auth/social/complete', res);
    }
  });
});
