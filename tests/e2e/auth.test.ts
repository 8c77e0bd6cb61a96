import { expect } from 'chai';
import { decodeJwt, SignJWT } from 'jose';
import { startService, type RunningService } from '../helpers/service.js';
import { createStaff, DEFAULT_PASSWORD, login, mailedLink, registerUser, runCli } from '../helpers/users.js';

// The secret tests/helpers/service.ts gives the service, and the config defaults.
const SECRET = new TextEncoder().encode('e2e-secret-e2e-secret-e2e-secret-0123456789');
const ISSUER = 'nexus-bank';
const AUDIENCE = 'nexus-bank-api';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('auth API (end to end)', function () {
  this.timeout(120_000);
  let svc: RunningService;
  before(async () => {
    svc = await startService();
  });
  after(async () => {
    await svc?.stop();
  });

  const me = (token: string) => svc.api.get('/auth/users/me/', { token });

  describe('registration and activation', () => {
    it('registers inactive, mails a link built from FRONTEND_URL, activates, logs in and shows me', async () => {
      const before = svc.mail.mails.length;
      const res = await svc.api.post('/auth/users/', { email: 'Alice@Example.com', password: DEFAULT_PASSWORD, country: 'Jordan', first_name: 'Alice' });
      expect(res.status).to.equal(201);
      expect(res.body.email).to.equal('alice@example.com');
      expect(res.body.id).to.match(/^[0-9a-f-]{36}$/);

      const inactive = await svc.api.post('/auth/jwt/create/', { email: 'alice@example.com', password: DEFAULT_PASSWORD });
      expect(inactive.status).to.equal(401);
      expect(inactive.body.code).to.equal('no_active_account');

      const link = await mailedLink(svc, 'alice@example.com', 'activation', before);
      expect(link.text).to.include(`http://localhost:3000/auth/activate/${res.body.id}/`);
      expect(link.uid).to.equal(res.body.id);
      const activated = await svc.api.post('/auth/users/activation/', { uid: link.uid, token: link.token });
      expect(activated.status).to.equal(204);
      await svc.mail.waitFor('alice@example.com', /Account activated/);

      const again = await svc.api.post('/auth/users/activation/', { uid: link.uid, token: link.token });
      expect(again.status).to.equal(403);
      expect(again.body.code).to.equal('stale_token');

      const tokens = await login(svc, 'ALICE@example.com', DEFAULT_PASSWORD);
      const profile = await me(tokens.access);
      expect(profile.status).to.equal(200);
      expect(profile.body).to.include({ id: res.body.id, email: 'alice@example.com', country: 'Jordan', first_name: 'Alice', last_name: '', is_staff: false, is_active: true });
      expect(Date.parse(profile.body.date_joined)).to.be.closeTo(Date.now(), 60_000);
      expect(Object.keys(profile.body).sort()).to.deep.equal(['country', 'date_joined', 'email', 'first_name', 'id', 'is_active', 'is_staff', 'last_name']);
    });

    it('refuses a duplicate email (any case) with 400', async () => {
      await registerUser(svc, 'dup@example.com');
      const res = await svc.api.post('/auth/users/', { email: 'DUP@example.com', password: 'An0ther-good-pass' });
      expect(res.status).to.equal(400);
      expect(res.headers.get('content-type')).to.match(/application\/problem\+json/);
      expect(res.body.code).to.equal('email_taken');
    });

    it('refuses weak passwords with field details, and a mismatched retype', async () => {
      for (const password of ['short1!', '1234567890', 'password123', 'weakling@example.com']) {
        const res = await svc.api.post('/auth/users/', { email: 'weakling@example.com', password });
        expect(res.status, password).to.equal(400);
        expect(res.body.code, password).to.equal('weak_password');
        expect(res.body.errors[0].field).to.equal('body.password');
      }
      const mismatch = await svc.api.post('/auth/users/', { email: 'weakling@example.com', password: DEFAULT_PASSWORD, re_password: 'different-Pass-1' });
      expect(mismatch.status).to.equal(400);
      expect(mismatch.body.code).to.equal('password_mismatch');
      const bad = await svc.api.post('/auth/users/', { email: 'not-an-email', password: DEFAULT_PASSWORD });
      expect(bad.status).to.equal(400);
      expect(bad.body.code).to.equal('validation_error');
    });

    it('refuses a bad uid or a token for someone else with 400', async () => {
      const before = svc.mail.mails.length;
      await svc.api.post('/auth/users/', { email: 'bob@example.com', password: DEFAULT_PASSWORD });
      const link = await mailedLink(svc, 'bob@example.com', 'activation', before);
      const other = await svc.api.post('/auth/users/activation/', { uid: '00000000-0000-4000-8000-000000000000', token: link.token });
      expect(other.status).to.equal(400);
      expect(other.body.code).to.equal('invalid_token');
      const garbage = await svc.api.post('/auth/users/activation/', { uid: link.uid, token: `${link.token}x` });
      expect(garbage.status).to.equal(400);
    });

    it('resends activation to an inactive user only, and answers 204 either way', async () => {
      const before = svc.mail.mails.length;
      await svc.api.post('/auth/users/', { email: 'carol@example.com', password: DEFAULT_PASSWORD });
      await mailedLink(svc, 'carol@example.com', 'activation', before);
      const mid = svc.mail.mails.length;
      const res = await svc.api.post('/auth/users/resend_activation/', { email: 'carol@example.com' });
      expect(res.status).to.equal(204);
      const link = await mailedLink(svc, 'carol@example.com', 'activation', mid);
      expect((await svc.api.post('/auth/users/activation/', { uid: link.uid, token: link.token })).status).to.equal(204);

      const unknown = await svc.api.post('/auth/users/resend_activation/', { email: 'nobody@example.com' });
      expect(unknown.status).to.equal(204);
      const active = await svc.api.post('/auth/users/resend_activation/', { email: 'carol@example.com' });
      expect(active.status).to.equal(204);
      await sleep(300);
      expect(svc.mail.mails.slice(mid + 1).filter((m) => /Activate/.test(m.subject))).to.have.length(0);
    });
  });

  describe('login', () => {
    it('answers a wrong password exactly like an unknown email', async () => {
      await registerUser(svc, 'dave@example.com');
      const wrong = await svc.api.post('/auth/jwt/create/', { email: 'dave@example.com', password: 'Wrong-passw0rd' });
      const unknown = await svc.api.post('/auth/jwt/create/', { email: 'ghost@example.com', password: 'Wrong-passw0rd' });
      expect(wrong.status).to.equal(401);
      expect(unknown.status).to.equal(401);
      const strip = (b: Record<string, unknown>) => ({ ...b, instance: undefined, request_id: undefined });
      expect(strip(wrong.body)).to.deep.equal(strip(unknown.body));
      expect(wrong.body.detail).to.equal('No active account found with the given credentials');
    });

    it('issues HS256 tokens with iss, aud, exp, jti, typed access and refresh', async () => {
      const tokens = await login(svc, 'dave@example.com');
      const access = decodeJwt(tokens.access);
      const refresh = decodeJwt(tokens.refresh);
      expect(access).to.include({ iss: ISSUER, aud: AUDIENCE, token_type: 'access' });
      expect(refresh).to.include({ iss: ISSUER, aud: AUDIENCE, token_type: 'refresh' });
      expect(access.sid).to.equal(refresh.sid);
      expect(access.exp! - access.iat!).to.equal(600);
      expect(access.roles).to.deep.equal(['customer']);
      expect(JSON.parse(Buffer.from(tokens.access.split('.')[0]!, 'base64url').toString()).alg).to.equal('HS256');
    });
  });

  describe('me', () => {
    it('requires a token (401 with WWW-Authenticate)', async () => {
      const res = await svc.api.get('/auth/users/me/');
      expect(res.status).to.equal(401);
      expect(res.headers.get('www-authenticate')).to.match(/^Bearer/);
    });

    it('lets a user change country and names but never is_staff, is_active or email', async () => {
      const user = await registerUser(svc, 'erin@example.com');
      const { access } = await login(svc, user.email);
      for (const body of [{ is_staff: true }, { is_active: false }, { is_superuser: true }, { email: 'x@example.com' }, { balance: '100.00' }, { country: 'UAE', is_staff: true }]) {
        const res = await svc.api.patch('/auth/users/me/', body, { token: access });
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.code).to.equal('validation_error');
      }
      const ok = await svc.api.patch('/auth/users/me', { country: 'UAE', last_name: 'Stone' }, { token: access });
      expect(ok.status).to.equal(200);
      expect(ok.body).to.include({ country: 'UAE', last_name: 'Stone', is_staff: false, is_active: true });
      expect((await me(access)).body).to.include({ country: 'UAE', is_staff: false });
    });
  });

  describe('refresh, verify and logout', () => {
    before(async () => {
      await registerUser(svc, 'frank@example.com');
    });

    it('rotates: a new pair, and a spent refresh token revokes its whole family', async () => {
      const first = await login(svc, 'frank@example.com');
      const rotated = await svc.api.post('/auth/jwt/refresh/', { refresh: first.refresh });
      expect(rotated.status).to.equal(200);
      expect(rotated.body.refresh).to.not.equal(first.refresh);
      expect((await me(rotated.body.access)).status).to.equal(200);

      const reused = await svc.api.post('/auth/jwt/refresh/', { refresh: first.refresh });
      expect(reused.status).to.equal(401);
      expect(reused.body.code).to.equal('token_not_valid');
      const afterReuse = await svc.api.post('/auth/jwt/refresh/', { refresh: rotated.body.refresh });
      expect(afterReuse.status).to.equal(401);
    });

    it('lets only one of two concurrent refreshes of one token win, and then revokes the family', async () => {
      const pair = await login(svc, 'frank@example.com');
      const results = await Promise.all([1, 2, 3].map(() => svc.api.post('/auth/jwt/refresh/', { refresh: pair.refresh })));
      const winners = results.filter((r) => r.status === 200);
      expect(winners).to.have.length(1);
      expect(results.filter((r) => r.status === 401)).to.have.length(2);
      const next = await svc.api.post('/auth/jwt/refresh/', { refresh: winners[0]!.body.refresh });
      expect(next.status).to.equal(401);
    });

    it('does not take an access token as a refresh token, nor a refresh token as an access token', async () => {
      const pair = await login(svc, 'frank@example.com');
      expect((await svc.api.post('/auth/jwt/refresh/', { refresh: pair.access })).status).to.equal(401);
      const asAccess = await me(pair.refresh);
      expect(asAccess.status).to.equal(401);
      expect(asAccess.body.code).to.equal('token_not_valid');
    });

    it('verifies good tokens and rejects tampered, alg none, wrong-key and expired ones', async () => {
      const pair = await login(svc, 'frank@example.com');
      expect((await svc.api.post('/auth/jwt/verify/', { token: pair.access })).status).to.equal(200);
      expect((await svc.api.post('/auth/jwt/verify/', { token: pair.refresh })).status).to.equal(200);

      const claims = decodeJwt(pair.access);
      const [header, , signature] = pair.access.split('.');
      const tampered = `${header}.${b64({ ...claims, roles: ['customer', 'staff'] })}.${signature}`;
      const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
      const wrongKey = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('another-secret-another-secret-0123456789'));
      const hs512 = await new SignJWT(claims).setProtectedHeader({ alg: 'HS512' }).sign(SECRET);
      const now = Math.floor(Date.now() / 1000);
      const expired = await new SignJWT({ ...claims, iat: now - 700, exp: now - 100 }).setProtectedHeader({ alg: 'HS256' }).sign(SECRET);
      const wrongAudience = await new SignJWT({ ...claims, aud: 'someone-else' }).setProtectedHeader({ alg: 'HS256' }).sign(SECRET);
      const honest = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(SECRET);
      // The control: the same claims signed properly are accepted, so each refusal below is about its one flaw.
      expect((await me(honest)).status).to.equal(200);
      for (const [name, token] of Object.entries({ tampered, none, wrongKey, hs512, expired, wrongAudience })) {
        const verified = await svc.api.post('/auth/jwt/verify/', { token });
        expect(verified.status, name).to.equal(401);
        expect(verified.body.code, name).to.equal('token_not_valid');
        const used = await me(token);
        expect(used.status, name).to.equal(401);
        expect(used.headers.get('www-authenticate'), name).to.match(/^Bearer realm="api"/);
      }
    });

    it('logout revokes the refresh token at once and the access token within a second', async () => {
      const pair = await login(svc, 'frank@example.com');
      const other = await login(svc, 'frank@example.com');
      expect((await me(pair.access)).status).to.equal(200);
      const out = await svc.api.post('/auth/logout/', {}, { token: pair.access });
      expect(out.status).to.equal(200);
      expect((await svc.api.post('/auth/jwt/refresh/', { refresh: pair.refresh })).status).to.equal(401);
      const deadline = Date.now() + 1_200;
      let status = 200;
      while (Date.now() < deadline && status === 200) {
        status = (await me(pair.access)).status;
        if (status === 200) await sleep(100);
      }
      expect(status).to.equal(401);
      expect((await svc.api.post('/auth/jwt/verify/', { token: pair.refresh })).status).to.equal(401);
      // Another session of the same user is untouched.
      expect((await me(other.access)).status).to.equal(200);
      expect((await svc.api.post('/auth/logout/', {})).status).to.equal(401);
    });

    it('logout also revokes the session of a refresh token given in the body', async () => {
      const a = await login(svc, 'frank@example.com');
      const b = await login(svc, 'frank@example.com');
      expect((await svc.api.post('/auth/logout/', { refresh: b.refresh }, { token: a.access })).status).to.equal(200);
      expect((await svc.api.post('/auth/jwt/refresh/', { refresh: b.refresh })).status).to.equal(401);
      expect((await svc.api.post('/auth/jwt/refresh/', { refresh: a.refresh })).status).to.equal(401);
    });
  });

  describe('passwords', () => {
    it('resets by email: 204 for anyone, a one-time link, the old password then fails', async () => {
      const user = await registerUser(svc, 'gina@example.com');
      const old = await login(svc, user.email);
      const unknown = await svc.api.post('/auth/users/reset_password/', { email: 'nobody-here@example.com' });
      expect(unknown.status).to.equal(204);
      const before = svc.mail.mails.length;
      const res = await svc.api.post('/auth/users/reset_password/', { email: 'GINA@example.com' });
      expect(res.status).to.equal(204);
      const link = await mailedLink(svc, user.email, 'reset', before);
      expect(link.text).to.include(`http://localhost:3000/password/reset/confirm/${user.id}/`);

      const weak = await svc.api.post('/auth/users/reset_password_confirm/', { uid: link.uid, token: link.token, new_password: '12345678' });
      expect(weak.status).to.equal(400);
      expect(weak.body.code).to.equal('weak_password');
      const done = await svc.api.post('/auth/users/reset_password_confirm/', { uid: link.uid, token: link.token, new_password: 'Brand-new-passw0rd' });
      expect(done.status).to.equal(204);
      await svc.mail.waitFor(user.email, /Password changed/);

      const oldLogin = await svc.api.post('/auth/jwt/create/', { email: user.email, password: user.password });
      expect(oldLogin.status).to.equal(401);
      await login(svc, user.email, 'Brand-new-passw0rd');
      const reused = await svc.api.post('/auth/users/reset_password_confirm/', { uid: link.uid, token: link.token, new_password: 'Yet-another-passw0rd' });
      expect(reused.status).to.equal(400);
      expect(reused.body.code).to.equal('invalid_token');
      // Sessions from before the reset are signed out.
      expect((await svc.api.post('/auth/jwt/refresh/', { refresh: old.refresh })).status).to.equal(401);
      expect((await me(old.access)).status).to.equal(401);
    });

    it('an activation token is not a reset token', async () => {
      const before = svc.mail.mails.length;
      await svc.api.post('/auth/users/', { email: 'hank@example.com', password: DEFAULT_PASSWORD });
      const link = await mailedLink(svc, 'hank@example.com', 'activation', before);
      expect((await svc.api.post('/auth/users/activation/', { uid: link.uid, token: link.token })).status).to.equal(204);
      const res = await svc.api.post('/auth/users/reset_password_confirm/', { uid: link.uid, token: link.token, new_password: 'Brand-new-passw0rd' });
      expect(res.status).to.equal(400);
      expect(res.body.code).to.equal('invalid_token');
    });

    it('set_password needs the current password, then signs every session out', async () => {
      const user = await registerUser(svc, 'ivy@example.com');
      const pair = await login(svc, user.email);
      const wrong = await svc.api.post('/auth/users/set_password/', { current_password: 'Not-the-passw0rd', new_password: 'Brand-new-passw0rd' }, { token: pair.access });
      expect(wrong.status).to.equal(400);
      expect(wrong.body.code).to.equal('invalid_password');
      const weak = await svc.api.post('/auth/users/set_password/', { current_password: user.password, new_password: 'ivy@example.com' }, { token: pair.access });
      expect(weak.status).to.equal(400);
      expect(weak.body.code).to.equal('weak_password');
      const anonymous = await svc.api.post('/auth/users/set_password/', { current_password: user.password, new_password: 'Brand-new-passw0rd' });
      expect(anonymous.status).to.equal(401);

      const ok = await svc.api.post('/auth/users/set_password/', { current_password: user.password, new_password: 'Brand-new-passw0rd', re_new_password: 'Brand-new-passw0rd' }, { token: pair.access });
      expect(ok.status).to.equal(204);
      expect((await svc.api.post('/auth/jwt/create/', { email: user.email, password: user.password })).status).to.equal(401);
      const fresh = await login(svc, user.email, 'Brand-new-passw0rd');
      expect((await me(fresh.access)).status).to.equal(200);
      expect((await me(pair.access)).status).to.equal(401);
      expect((await svc.api.post('/auth/jwt/refresh/', { refresh: pair.refresh })).status).to.equal(401);
    });
  });

  describe('createsuperuser CLI', () => {
    it('creates an active staff user whose token carries the staff role', async () => {
      const staff = await createStaff(svc, 'Root@Example.com', 'Sup3r-secret-pass');
      expect(staff.email).to.equal('root@example.com');
      const profile = await me(staff.access);
      expect(profile.body).to.include({ is_staff: true, is_active: true });
      expect(decodeJwt(staff.access).roles).to.deep.equal(['customer', 'staff']);
      const customer = await login(svc, 'frank@example.com');
      expect(decodeJwt(customer.access).roles).to.deep.equal(['customer']);
    });

    it('exits 1 with a clear message for an existing email or a weak password', async () => {
      const dup = await runCli(svc, ['createsuperuser', '--email', 'root@example.com'], { NEXUS_SUPERUSER_PASSWORD: 'Sup3r-secret-pass' });
      expect(dup.code).to.equal(1);
      expect(dup.stderr).to.match(/already exists/);
      const weak = await runCli(svc, ['createsuperuser', '--email', 'root2@example.com'], { NEXUS_SUPERUSER_PASSWORD: '12345678' });
      expect(weak.code).to.equal(1);
      expect(weak.stderr).to.match(/entirely numeric/);
      expect(weak.stderr).to.not.match(/\n\s+at /); // no stack trace
    });

    it('never takes the password from argv, and says where it may come from (exit 2)', async () => {
      const argv = await runCli(svc, ['createsuperuser', '--email', 'root3@example.com', '--password', 'Sup3r-secret-pass']);
      expect(argv.code).to.equal(2);
      expect(argv.stderr).to.match(/not taken on the command line/);
      expect(argv.stderr).to.not.include('Sup3r-secret-pass');
      const missing = await runCli(svc, ['createsuperuser', '--email', 'root3@example.com']);
      expect(missing.code).to.equal(2);
      expect(missing.stderr).to.match(/NEXUS_SUPERUSER_PASSWORD/);
    });
  });
});
