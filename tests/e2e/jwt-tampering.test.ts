import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import pg from 'pg';
import { startService, type RunningService } from '../helpers/service.js';
import { login, registerUser, type TestUser, type Tokens } from '../helpers/users.js';

// The secret tests/helpers/service.ts gives the service.
const SECRET = new TextEncoder().encode('e2e-secret-e2e-secret-e2e-secret-0123456789');
// Security records of the refusals, and what background processes (risk incidents) append on their own, are not changes.
const SECURITY_TYPES = ['AuthAttemptRecorded', 'SecurityHitsRecorded', 'LoginFailureCounted', 'LockedOut', 'LockoutCleared'];

const b64 = (value: object | string) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const unsigned = (header: object, payload: object, signature = '') => `${b64(header)}.${b64(payload)}.${signature}`;

describe('JWT tampering (end to end)', function () {
  this.timeout(120_000);
  let svc: RunningService;
  let db: pg.Client;
  let alice: TestUser;
  let tokens: Tokens;
  let access: JWTPayload;
  let refresh: JWTPayload;
  const forged = new Map<string, { access: string; refresh: string }>();

  const businessEvents = async () =>
    Number((await db.query<{ n: string }>(
      `select count(*)::text as n from es.events
        where not (type = any($1)) and coalesce(metadata->'actor'->>'role', '') not like 'system:%'`, [SECURITY_TYPES])).rows[0]!.n);
  const hs256 = (payload: JWTPayload, key: Uint8Array = SECRET, header: Record<string, unknown> = {}) =>
    new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...header }).sign(key);

  before(async () => {
    svc = await startService();
    db = new pg.Client({ connectionString: svc.databaseUrl });
    await db.connect();
    alice = await registerUser(svc, 'alice-jwt@example.com');
    tokens = await login(svc, alice.email);
    access = decodeJwt(tokens.access);
    refresh = decodeJwt(tokens.refresh);
    const now = Math.floor(Date.now() / 1000);
    const rsa = await generateKeyPair('RS256');
    const ec = await generateKeyPair('ES256');
    const rsaPublicPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const jwk = await exportJWK(rsa.publicKey);
    const both = async (make: (p: JWTPayload) => Promise<string> | string) => ({ access: await make(access), refresh: await make(refresh) });

    forged.set('alg none', await both((p) => unsigned({ alg: 'none', typ: 'JWT' }, p)));
    forged.set('alg None with the original signature', await both((p) => unsigned({ alg: 'None' }, p, (p === access ? tokens.access : tokens.refresh).split('.')[2])));
    forged.set('wrong key', await both((p) => hs256(p, new TextEncoder().encode('another-secret-another-secret-0123456789'))));
    forged.set('expired', await both((p) => hs256({ ...p, iat: now - 7200, exp: now - 3600 })));
    forged.set('not yet valid', await both((p) => hs256({ ...p, nbf: now + 3600 })));
    forged.set('wrong audience', await both((p) => hs256({ ...p, aud: 'someone-else' })));
    forged.set('wrong issuer', await both((p) => hs256({ ...p, iss: 'evil-issuer' })));
    forged.set('no audience', await both((p) => { const { aud: _aud, ...rest } = p; return hs256(rest); }));
    forged.set('HS512 with the right secret', await both((p) => new SignJWT(p).setProtectedHeader({ alg: 'HS512' }).sign(SECRET)));
    forged.set('RS256 with an embedded jwk', await both((p) => new SignJWT(p).setProtectedHeader({ alg: 'RS256', jwk }).sign(rsa.privateKey)));
    forged.set('ES256', await both((p) => new SignJWT(p).setProtectedHeader({ alg: 'ES256' }).sign(ec.privateKey)));
    forged.set('HS256 keyed with a public key (key confusion)', await both((p) => hs256(p, new TextEncoder().encode(rsaPublicPem))));
    forged.set('jku injection', await both((p) => new SignJWT(p).setProtectedHeader({ alg: 'RS256', jku: 'https://evil.example/jwks.json', kid: 'evil' }).sign(rsa.privateKey)));
    forged.set('kid path traversal with an empty key', await both((p) => unsigned({ alg: 'HS256', kid: '../../../../../../dev/null' }, p, '')));
    forged.set("kid SQL injection", await both((p) => hs256(p, new TextEncoder().encode('x'.repeat(32)), { kid: "x' UNION SELECT 'key' --" })));
    forged.set('payload edited (roles: staff), signature kept', await both((p) => {
      const original = p === access ? tokens.access : tokens.refresh;
      const [h, , s] = original.split('.');
      return `${h}.${b64({ ...p, roles: ['customer', 'staff'], sub: p.sub })}.${s}`;
    }));
    forged.set('token type swapped', { access: tokens.refresh, refresh: tokens.access });
    forged.set('truncated signature', { access: tokens.access.slice(0, -5), refresh: tokens.refresh.slice(0, -5) });
    forged.set('extra segment', { access: `${tokens.access}.AAAA`, refresh: `${tokens.refresh}.AAAA` });
    forged.set('not base64', { access: '%%%.###.@@@', refresh: '%%%.###.@@@' });
  });
  after(async () => {
    await db?.end();
    await svc?.stop();
  });

  it('control: the honest token works, and a token re-signed with the real secret would be accepted', async () => {
    expect((await svc.api.get('/auth/users/me/', { token: tokens.access })).status).to.equal(200);
    expect((await svc.api.get('/auth/users/me/', { token: await hs256(access) })).status).to.equal(200);
  });

  it('refuses every forged access token with 401 problem+json', async () => {
    for (const [name, token] of forged) {
      for (const path of ['/auth/users/me/', '/accounts']) {
        const res = await svc.api.get(path, { token: token.access });
        expect(res.status, `${name} on ${path}`).to.equal(401);
        expect(res.headers.get('content-type'), name).to.match(/application\/problem\+json/);
        expect(res.body.code, name).to.be.oneOf(['token_not_valid', 'not_authenticated']);
      }
    }
  });

  it('refuses every forged refresh token and verify request, changes nothing, and attributes no failure to the claimed user', async () => {
    const before = await businessEvents();
    for (const [name, token] of forged) {
      const refreshed = await svc.api.post('/auth/jwt/refresh/', { refresh: token.refresh });
      expect(refreshed.status, `refresh: ${name}`).to.equal(401);
      expect(refreshed.body.code, name).to.equal('token_not_valid');
      // /auth/jwt/verify accepts either kind of genuine token, so the swapped pair is no forgery there.
      if (name !== 'token type swapped') expect((await svc.api.post('/auth/jwt/verify/', { token: token.access })).status, `verify: ${name}`).to.equal(401);
      expect(refreshed.headers.get('content-type'), name).to.match(/application\/problem\+json/);
    }
    expect(await businessEvents()).to.equal(before);
    const failures = (await db.query<{ data: { user_id: string | null; outcome: string } }>(
      `select data from es.events where type = 'AuthAttemptRecorded' and data->>'kind' = 'refresh'`)).rows.map((r) => r.data);
    expect(failures).to.have.length(forged.size);
    for (const f of failures) expect(f.outcome).to.equal('failure');
    // Only a token whose signature holds names its user; the expired, swapped and forged ones name nobody.
    expect(failures.filter((f) => f.user_id !== null)).to.have.length(0);
    // The real session still works afterwards.
    expect((await svc.api.post('/auth/jwt/refresh/', { refresh: tokens.refresh })).status).to.equal(200);
  });
});
