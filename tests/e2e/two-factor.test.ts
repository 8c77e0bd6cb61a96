import { expect } from 'chai';
import { generate } from 'otplib';
import { auditEvents, expectNoneIn } from '../helpers/audit.js';
import { expectConforms } from '../helpers/contract.js';
import { startService, type RunningService } from '../helpers/service.js';
import { createStaff, DEFAULT_PASSWORD, login, registerUser, type Tokens } from '../helpers/users.js';

const SUBJECT = /Login Verification Code/;
const CODE_IN_MAIL = /code is (\d{6})/;

/** The two-step login and the authenticator app, over HTTP against the real service. */
describe('two-factor login (HTTP)', function () {
  this.timeout(180_000);
  let svc: RunningService;
  let staff: Tokens;
  /** Every code, secret and recovery code handed out, to look for in events and logs at the end. */
  const secrets: string[] = [];

  before(async () => {
    // A low pair limit makes the lockout visible after two voided challenges; the IP limit stays out of the way.
    svc = await startService({ LOG_LEVEL: 'debug', LOCKOUT_PAIR_FAILURE_LIMIT: '2', AXES_FAILURE_LIMIT: '1000' });
    staff = await createStaff(svc, 'staff@example.com');
  });
  after(async () => {
    await svc?.stop();
  });

  const init = (email: string, password = DEFAULT_PASSWORD) => svc.api.post('/auth/login/init/', { email, password });
  const verify = (email: string, code: string) => svc.api.post('/auth/login/verify/', { email, code });
  /** Step one, and the code it mailed (read from the SMTP sink). */
  const mailedCode = async (email: string) => {
    const before = svc.mail.mails.length;
    const res = await init(email);
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    const code = CODE_IN_MAIL.exec((await svc.mail.waitFor(email, SUBJECT, 10_000, before)).text)?.[1];
    expect(code).to.match(/^\d{6}$/);
    secrets.push(code!);
    return { res, code: code! };
  };
  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  it('init mails a 6-digit code (never in the answer); verify gives the pair /auth/jwt/create gives, once', async () => {
    const user = await registerUser(svc, 'ivy@example.com');
    const { res, code } = await mailedCode(user.email);
    expectConforms('POST', '/auth/login/init', res);
    expect(res.body.method).to.equal('email');
    expect(Date.parse(res.body.expires_at) - Date.now()).to.be.within(4 * 60_000, 5 * 60_000 + 1000);
    expect(JSON.stringify(res.body)).not.to.include(code);
    expect(res.headers.get('cache-control')).to.equal('no-store');

    const ok = await verify(user.email, code);
    expectConforms('POST', '/auth/login/verify', ok);
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    expect(Object.keys(ok.body).sort()).to.deep.equal(['access', 'refresh']);
    expect(ok.headers.get('cache-control')).to.equal('no-store');
    const me = await svc.api.get('/auth/users/me/', { token: ok.body.access });
    expect(me.status).to.equal(200);
    expect(me.body.email).to.equal(user.email);
    const refreshed = await svc.api.post('/auth/jwt/refresh/', { refresh: ok.body.refresh });
    expect(refreshed.status).to.equal(200);

    // The used code never works again, not even for a new challenge of the same user.
    const reused = await verify(user.email, code);
    expect(reused.status).to.equal(401);
    expect(reused.body.code).to.equal('invalid_code');
    expectConforms('POST', '/auth/login/verify', reused);
    expect(JSON.stringify(reused.body)).not.to.include(code);
  });

  it('a newer challenge supersedes the older code; a wrong password is the 401 of /auth/jwt/create', async () => {
    const user = await registerUser(svc, 'jay@example.com');
    const first = await mailedCode(user.email);
    const second = await mailedCode(user.email);
    expect((await verify(user.email, first.code)).status).to.equal(401);
    expect((await verify(user.email, second.code)).status).to.equal(200);
    const bad = await init(user.email, 'Wrong-passw0rd-1');
    expect(bad.status).to.equal(401);
    expect(bad.body.code).to.equal('no_active_account');
    const unknown = await init('nobody@example.com');
    expect(unknown.status).to.equal(401);
    expect(unknown.body.code).to.equal('no_active_account');
  });

  it('three wrong codes void the challenge and count as one failed login: two voids lock the email at this address', async () => {
    const user = await registerUser(svc, 'kai@example.com');
    const first = await mailedCode(user.email);
    for (let i = 0; i < 3; i++) {
      const res = await verify(user.email, wrong(first.code));
      expect(res.status).to.equal(401);
      expect(res.body.code).to.equal('invalid_code');
    }
    // Voided: the right code no longer works.
    expect((await verify(user.email, first.code)).status).to.equal(401);

    // One failure counted (the pair limit is 2): a right password still opens a challenge, and it clears nothing.
    const second = await mailedCode(user.email);
    for (let i = 0; i < 3; i++) expect((await verify(user.email, wrong(second.code))).status).to.equal(401);
    const locked = await init(user.email);
    expect(locked.status, JSON.stringify(locked.body)).to.equal(423);
    expect(locked.body.code).to.equal('login_locked');
    expect(Number(locked.headers.get('retry-after'))).to.be.greaterThan(0);
    expectConforms('POST', '/auth/login/init', locked);
    const lockedVerify = await verify(user.email, second.code);
    expect(lockedVerify.status).to.equal(423);
    const jwt = await svc.api.post('/auth/jwt/create/', { email: user.email, password: DEFAULT_PASSWORD });
    expect(jwt.status).to.equal(423);

    // The attempts are login events: wrong codes as failures, the third with its own reason.
    type LoginRow = { attempted_email: string; outcome: string; failure_reason: string | null };
    let mine: LoginRow[] = [];
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      const logins = await svc.api.get(`/risk/logins/?user_id=${user.id}&limit=50`, { token: staff.access });
      expect(logins.status, JSON.stringify(logins.body)).to.equal(200);
      mine = (logins.body.results as LoginRow[]).filter((l) => l.attempted_email === user.email);
      if (mine.some((l) => l.outcome === 'locked')) break;
    }
    expect(mine.filter((l) => l.failure_reason === 'code_attempts_exhausted')).to.have.length(2);
    expect(mine.filter((l) => l.failure_reason === 'invalid_code')).to.have.length.greaterThanOrEqual(4);
    expect(mine.filter((l) => l.outcome === 'challenged')).to.have.length(2);
  });

  it('an authenticator app: enrol (otpauth URI and PNG QR), confirm with a first code, then login asks for its code; a code works once', async () => {
    const user = await registerUser(svc, 'lea@example.com');
    const tokens = await login(svc, user.email);
    const enrol = await svc.api.post('/auth/totp/', undefined, { token: tokens.access });
    expect(enrol.status, JSON.stringify(enrol.body)).to.equal(201);
    expectConforms('POST', '/auth/totp', enrol);
    expect(enrol.body.status).to.equal('pending');
    expect(enrol.body.qr_code).to.match(/^data:image\/png;base64,/);
    expect(Buffer.from(enrol.body.qr_code.split(',')[1], 'base64').subarray(1, 4).toString()).to.equal('PNG');
    const uri = new URL(enrol.body.otpauth_url);
    expect(uri.protocol).to.equal('otpauth:');
    const secret = uri.searchParams.get('secret')!;
    expect(secret).to.match(/^[A-Z2-7]{16,}$/);
    secrets.push(secret, enrol.body.otpauth_url);

    // Pending: the password alone still works, login still mails codes.
    expect((await svc.api.post('/auth/jwt/create/', { email: user.email, password: DEFAULT_PASSWORD })).status).to.equal(200);
    const badConfirm = await svc.api.post('/auth/totp/confirm/', { code: wrong(await generate({ secret })) }, { token: tokens.access });
    expect(badConfirm.status).to.equal(400);
    expect(badConfirm.body.code).to.equal('invalid_totp_code');
    const first = await generate({ secret });
    const confirmed = await svc.api.post('/auth/totp/confirm/', { code: first }, { token: tokens.access });
    expect(confirmed.status, JSON.stringify(confirmed.body)).to.equal(200);
    expectConforms('POST', '/auth/totp/confirm', confirmed);
    const recovery = confirmed.body.recovery_codes as string[];
    expect(recovery).to.have.length(10);
    expect(new Set(recovery).size).to.equal(10);
    secrets.push(...recovery);
    expect((await svc.api.post('/auth/totp/', undefined, { token: tokens.access })).status).to.equal(409);

    // Enrolled: the password alone is refused, the challenge is the app's, and no mail is sent.
    const pwOnly = await svc.api.post('/auth/jwt/create/', { email: user.email, password: DEFAULT_PASSWORD });
    expect(pwOnly.status).to.equal(403);
    expect(pwOnly.body.code).to.equal('second_factor_required');
    const mailsBefore = svc.mail.mails.length;
    const challenge = await init(user.email);
    expect(challenge.status).to.equal(202);
    expect(challenge.body.method).to.equal('totp');
    // The confirming code's step is spent: the same code cannot log in.
    expect((await verify(user.email, first)).status).to.equal(401);
    // A code of the next step (within the 30 s window) works, once.
    const next = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    secrets.push(next);
    const ok = await verify(user.email, next);
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    expect((await init(user.email)).status).to.equal(202);
    expect((await verify(user.email, next)).status).to.equal(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(svc.mail.mails.slice(mailsBefore).filter((m) => m.to.includes(user.email))).to.have.length(0);

    // A recovery code logs in once (here on the challenge the replayed code left open).
    const rec = await verify(user.email, recovery[0]!);
    expect(rec.status, JSON.stringify(rec.body)).to.equal(200);
    expect((await init(user.email)).status).to.equal(202);
    expect((await verify(user.email, recovery[0]!)).status).to.equal(401);
    expect((await verify(user.email, recovery[1]!.toUpperCase())).status).to.equal(200);

    // Off with the password (a wrong one is refused): login mails codes again.
    const access = ok.body.access as string;
    const badOff = await svc.api.request('DELETE', '/auth/totp/', { password: 'Wrong-passw0rd-2' }, { token: access });
    expect(badOff.status).to.equal(400);
    expect(badOff.body.code).to.equal('invalid_proof');
    expectConforms('DELETE', '/auth/totp', badOff);
    const off = await svc.api.request('DELETE', '/auth/totp/', { password: DEFAULT_PASSWORD }, { token: access });
    expect(off.status).to.equal(204);
    expect((await svc.api.request('DELETE', '/auth/totp/', { password: DEFAULT_PASSWORD }, { token: access })).status).to.equal(409);
    const { res } = await mailedCode(user.email);
    expect(res.body.method).to.equal('email');
    expect((await verify(user.email, recovery[2]!)).status).to.equal(401);
  });

  it('no code, secret or recovery code is in the audit log, the stored events or the service log', async () => {
    expect(secrets.length).to.be.greaterThan(15);
    const events = await auditEvents(svc, staff.access);
    const types = new Set(events.map((e) => e.type));
    for (const t of ['LoginChallengeIssued', 'LoginCodeRejected', 'LoginChallengeVoided', 'LoginChallengeCompleted', 'TotpEnrolmentStarted', 'TotpEnabled', 'TotpDisabled']) {
      expect(types.has(t), t).to.equal(true);
    }
    // Six-digit codes could match a number elsewhere by chance: look for them as whole JSON strings.
    const quoted = secrets.map((s) => (/^\d{6}$/.test(s) ? `"${s}"` : s));
    expectNoneIn(JSON.stringify(events), '/audit/events', quoted, ['secret', 'otp', 'otpauth_url', 'qr_code', 'recovery_codes']);
    await new Promise((r) => setTimeout(r, 300));
    const log = svc.output();
    expect(log).to.include('/auth/login/verify');
    expectNoneIn(log, 'the service log', [...quoted, '$argon2'], ['password', 'secret', 'otpauth_url', 'recovery_codes']);
  });
});

describe('two-factor login required (PASSWORD_ONLY_LOGIN=refuse) and code expiry (HTTP)', function () {
  this.timeout(120_000);
  let svc: RunningService;
  before(async () => {
    svc = await startService({ PASSWORD_ONLY_LOGIN: 'refuse', LOGIN_CODE_TTL_SECONDS: '8' });
  });
  after(async () => {
    await svc?.stop();
  });

  it('/auth/jwt/create is refused with second_factor_required (right password or not), the two-step login works, an expired code does not', async () => {
    const user = await registerUser(svc, 'max@example.com');
    for (const password of [DEFAULT_PASSWORD, 'Wrong-passw0rd-3']) {
      const refused = await svc.api.post('/auth/jwt/create/', { email: user.email, password });
      expect(refused.status, JSON.stringify(refused.body)).to.equal(403);
      expect(refused.body).to.include({ code: 'second_factor_required', login_init: '/auth/login/init/' });
      expectConforms('POST', '/auth/jwt/create', refused);
    }
    const mailCode = async () => {
      const before = svc.mail.mails.length;
      const res = await svc.api.post('/auth/login/init/', { email: user.email, password: DEFAULT_PASSWORD });
      expect(res.status).to.equal(202);
      expect(Date.parse(res.body.expires_at) - Date.now()).to.be.within(0, 8_000);
      return CODE_IN_MAIL.exec((await svc.mail.waitFor(user.email, SUBJECT, 10_000, before)).text)![1]!;
    };
    const stale = await mailCode();
    await new Promise((r) => setTimeout(r, 8_200));
    const expired = await svc.api.post('/auth/login/verify/', { email: user.email, code: stale });
    expect(expired.status).to.equal(401);
    expect(expired.body.code).to.equal('invalid_code');
    const started = Date.now();
    const fresh = await mailCode();
    const ok = await svc.api.post('/auth/login/verify/', { email: user.email, code: fresh });
    expect(ok.status, `${JSON.stringify(ok.body)} after ${Date.now() - started} ms`).to.equal(200);
    expect((await svc.api.get('/auth/users/me/', { token: ok.body.access })).status).to.equal(200);
  });
});
