import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { SignJWT } from 'jose';
import pg from 'pg';
import { hashOtp } from '../../src/commands/transfers/otp-code.js';
import { legacyUserIdForEmail } from '../../src/commands/users/load-user.js';
import { hashPassword } from '../../src/commands/users/passwords.js';
import { openPostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import type { EventMetadata } from '../../src/eventstore/port.js';
import { auditEvents, auditStream, expectNoneIn } from '../helpers/audit.js';
import { bankSteps, startBank, type BankFixture } from '../helpers/bank.js';
import { DEFAULT_PASSWORD, login, mailedLink, registerUser, runCli } from '../helpers/users.js';

// The secret tests/helpers/service.ts gives the service: a forger who knows it still cannot make a link.
const SECRET = new TextEncoder().encode('e2e-secret-e2e-secret-e2e-secret-0123456789');
const CODE_MAIL = /Confirm Your Transfer/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const metadata = (): EventMetadata => ({
  correlation_id: randomUUID(), causation_id: null, actor: { user_id: null, role: 'legacy', ip: null }, schema_version: 1, occurred_at: new Date().toISOString(),
});

/** A reset or activation token as the service would sign it, but with no nonce the credentials store knows. */
const forged = (type: 'password_reset' | 'activation', uid: string, extra: Record<string, unknown> = {}) =>
  new SignJWT({ token_type: type, ...extra })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(uid)
    .setJti(randomUUID())
    .setIssuer('nexus-bank')
    .setAudience('nexus-bank-api')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(SECRET);

describe('credentials and one-time links (end to end)', function () {
  this.timeout(180_000);
  let bank: BankFixture;
  before(async () => {
    bank = await startBank();
  });
  after(async () => {
    await bank?.svc.stop();
  });

  const confirmReset = (uid: string, token: string, new_password: string) =>
    bank.svc.api.post('/auth/users/reset_password_confirm/', { uid, token, new_password });
  const askReset = async (email: string) => {
    const before = bank.svc.mail.mails.length;
    expect((await bank.svc.api.post('/auth/users/reset_password/', { email })).status).to.equal(204);
    return mailedLink(bank.svc, email, 'reset', before);
  };

  describe('nothing secret in the log, the audit views or cli replay', () => {
    it('after registering, activating, changing and resetting a password and a transfer waiting for its code', async () => {
      const { svc, staff } = bank;
      const steps = bankSteps(bank);
      const secrets: string[] = [DEFAULT_PASSWORD];
      const before = svc.mail.mails.length;
      const reg = await svc.api.post('/auth/users/', { email: 'carol@example.com', password: DEFAULT_PASSWORD, country: 'Jordan' });
      expect(reg.status).to.equal(201);
      const activation = await mailedLink(svc, 'carol@example.com', 'activation', before);
      secrets.push(activation.token);
      expect((await svc.api.post('/auth/users/activation/', { uid: activation.uid, token: activation.token })).status).to.equal(204);
      const first = await login(svc, 'carol@example.com');
      const changed = 'Changed-passw0rd-1';
      secrets.push(changed, first.access, first.refresh);
      expect((await svc.api.post('/auth/users/set_password/', { current_password: DEFAULT_PASSWORD, new_password: changed }, { token: first.access })).status).to.equal(204);
      const reset = await askReset('carol@example.com');
      const afterReset = 'Reset-passw0rd-2';
      secrets.push(reset.token, afterReset);
      expect((await confirmReset(reset.uid, reset.token, afterReset)).status).to.equal(204);
      const carol = await login(svc, 'carol@example.com', afterReset);
      const from = await steps.open(carol.access);
      const to = await steps.open(carol.access);
      await steps.fund(from, '2000.000');
      const mails = svc.mail.mails.length;
      const pending = await svc.api.post('/transfers/internal/', { sender_account: from, receiver_account: to, amount: '900.000' }, { token: carol.access });
      expect(pending.status).to.equal(202);
      const code = /code is (\d{6})/.exec((await svc.mail.waitFor('carol@example.com', CODE_MAIL, 10_000, mails)).text)![1]!;
      secrets.push(code);
      expect((await svc.api.post('/transfers/confirm/', { transfer_id: pending.body.transfer_id, otp: code }, { token: carol.access })).status).to.equal(200);

      const names = ['password_hash', 'otp_hash', 'password', 'otp', 'nonce'];
      const views = {
        '/audit/events': JSON.stringify(await auditEvents(svc, staff.access)),
        '/audit/streams/user-…': JSON.stringify(await auditStream(svc, staff.access, `user-${reg.body.id}`)),
        '/audit/streams/transfer-…': JSON.stringify(await auditStream(svc, staff.access, `transfer-${pending.body.transfer_id}`)),
        'cli replay': (await runCli(svc, ['replay'])).stdout,
        'the service log': svc.output(),
      };
      expect(views['/audit/events']).to.include('PasswordChanged').and.include('TransferRequested');
      expect(views['cli replay']).to.include('PasswordChanged');
      for (const [what, text] of Object.entries(views)) expectNoneIn(text, what, [...secrets, '$argon2'], what === 'the service log' ? [] : names);

      // The hashes do exist, in the credentials store only.
      const client = new pg.Client({ connectionString: svc.databaseUrl });
      await client.connect();
      try {
        const rows = await client.query<{ kind: string; secret: string }>('select kind, secret from cmd.credentials where subject = any($1::text[])', [[reg.body.id, pending.body.transfer_id]]);
        expect(rows.rows.map((r) => r.kind).sort()).to.deep.equal(['password', 'transfer_code']);
        for (const [what, text] of Object.entries(views)) expectNoneIn(text, what, rows.rows.map((r) => r.secret));
      } finally {
        await client.end();
      }
    });

    it('events written before credentials left the log still work, and every view removes their hashes', async () => {
      const { svc, staff, alice } = bank;
      const steps = bankSteps(bank);
      const email = 'legacy-leo@example.com';
      const legacyId = legacyUserIdForEmail(email);
      const passwordHash = await hashPassword(DEFAULT_PASSWORD);
      const otpHash = await hashOtp('123456');
      const a = await steps.open(alice.access);
      const b = await steps.open(alice.access);
      // Enough for the real request's hold and for the legacy copy, which holds nothing and debits at confirmation.
      await steps.fund(a, '2000.000');
      const mails = svc.mail.mails.length;
      const pending = await svc.api.post('/transfers/internal/', { sender_account: a, receiver_account: b, amount: '700.000' }, { token: alice.access });
      expect(pending.status).to.equal(202);
      await svc.mail.waitFor('alice@example.com', CODE_MAIL, 10_000, mails);
      const legacyTransfer = randomUUID();
      const store = await openPostgresEventStore(svc.databaseUrl, 1);
      try {
        await store.append(`user-${legacyId}`, [
          {
            event_id: randomUUID(), type: 'UserRegistered', metadata: metadata(),
            data: { user_id: legacyId, email, password_hash: passwordHash, country: 'Jordan', first_name: 'Leo', last_name: '', is_staff: false, is_superuser: false, roles: [], registered_at: new Date().toISOString() },
          },
          { event_id: randomUUID(), type: 'UserActivated', metadata: metadata(), data: { activated_at: new Date().toISOString() } },
        ], 'no_stream');
        // A pending request as events carried it before: with the code's hash inside.
        const [requested] = await store.readStream(`transfer-${pending.body.transfer_id}`, { max: 1 });
        await store.append(`transfer-${legacyTransfer}`, [{
          event_id: randomUUID(), type: 'TransferRequested', metadata: metadata(),
          data: { ...requested!.data, transfer_id: legacyTransfer, otp_hash: otpHash },
        }], 'no_stream');
      } finally {
        await store.close();
      }
      // The legacy user logs in (found by the email-derived id), changes the password and resets it by email.
      const leo = await login(svc, email);
      expect((await svc.api.get('/auth/users/me/', { token: leo.access })).body).to.include({ id: legacyId, email, first_name: 'Leo' });
      expect((await svc.api.post('/auth/users/set_password/', { current_password: DEFAULT_PASSWORD, new_password: 'Leos-new-passw0rd' }, { token: leo.access })).status).to.equal(204);
      expect((await svc.api.post('/auth/jwt/create/', { email, password: DEFAULT_PASSWORD })).status).to.equal(401);
      await login(svc, email, 'Leos-new-passw0rd');
      const link = await askReset(email);
      expect(link.uid).to.equal(legacyId);
      expect((await confirmReset(link.uid, link.token, 'Leos-reset-passw0rd')).status).to.equal(204);
      await login(svc, email, 'Leos-reset-passw0rd');
      // The legacy pending transfer confirms with its code.
      const confirmed = await svc.api.post('/transfers/confirm/', { transfer_id: legacyTransfer, otp: '123456' }, { token: alice.access });
      expect(confirmed.status, JSON.stringify(confirmed.body)).to.equal(200);

      const names = ['password_hash', 'otp_hash'];
      const stream = await auditStream(svc, staff.access, `user-${legacyId}`);
      expect(stream.map((e) => e.type)).to.deep.equal(['UserRegistered', 'UserActivated', 'PasswordChanged', 'PasswordChanged']);
      expectNoneIn(JSON.stringify(stream), 'legacy user stream', [passwordHash, '$argon2'], names);
      expectNoneIn(JSON.stringify(await auditStream(svc, staff.access, `transfer-${legacyTransfer}`)), 'legacy transfer stream', [otpHash, '$argon2'], names);
      const replay = await runCli(svc, ['replay', '--stream', `transfer-${legacyTransfer}`]);
      expect(replay.code, replay.stderr).to.equal(0);
      expect(replay.stdout).to.include('TransferRequested');
      expectNoneIn(replay.stdout, 'cli replay of the legacy transfer', [otpHash, '$argon2'], names);
      const verified = await runCli(svc, ['verify']);
      expect(verified.code, verified.stdout).to.equal(0);
    });
  });

  describe('users', () => {
    it('get random (v4) ids, never derived from the email', async () => {
      const user = await registerUser(bank.svc, 'dora@example.com');
      expect(user.id).to.match(UUID_V4);
      expect(user.id).to.not.equal(legacyUserIdForEmail('dora@example.com'));
      const staff = await runCli(bank.svc, ['createsuperuser', '--email', 'root2@example.com'], { NEXUS_SUPERUSER_PASSWORD: DEFAULT_PASSWORD });
      expect(/id ([0-9a-f-]{36})/.exec(staff.stdout)?.[1]).to.match(UUID_V4);
    });

    it('register one email at a time: of concurrent registrations exactly one gets 201', async () => {
      const attempts = await Promise.all(
        Array.from({ length: 8 }, (_, i) => bank.svc.api.post('/auth/users/', { email: i % 2 ? 'Race@Example.com' : 'race@example.com', password: DEFAULT_PASSWORD })),
      );
      expect(attempts.map((r) => r.status).sort()).to.deep.equal([201, 400, 400, 400, 400, 400, 400, 400]);
      for (const r of attempts.filter((x) => x.status === 400)) expect(r.body.code).to.equal('email_taken');
      // An email a legacy user (id derived from it) holds is taken too.
      const legacy = await bank.svc.api.post('/auth/users/', { email: 'LEGACY-LEO@example.com', password: DEFAULT_PASSWORD });
      expect([legacy.status, legacy.body.code]).to.deep.equal([400, 'email_taken']);
    });
  });

  describe('reset and activation links are single-use and unforgeable', () => {
    it('a reset link works once; a superseded, reused or forged one is refused', async () => {
      const user = await registerUser(bank.svc, 'eve@example.com');
      const older = await askReset(user.email);
      const newer = await askReset(user.email);
      const superseded = await confirmReset(older.uid, older.token, 'Superseded-passw0rd');
      expect([superseded.status, superseded.body.code]).to.deep.equal([400, 'invalid_token']);
      // A forger with the signing key, the uid and the credentials version: no nonce the store knows.
      for (const extra of [{ cv: 0 }, { cv: 0, nonce: 'made-up-nonce' }]) {
        const fake = await confirmReset(user.id, await forged('password_reset', user.id, extra), 'Forged-passw0rd-1');
        expect([fake.status, fake.body.code], JSON.stringify(extra)).to.deep.equal([400, 'invalid_token']);
      }
      expect((await bank.svc.api.post('/auth/jwt/create/', { email: user.email, password: 'Forged-passw0rd-1' })).status).to.equal(401);
      expect((await confirmReset(newer.uid, newer.token, 'Newest-passw0rd-1')).status).to.equal(204);
      const reused = await confirmReset(newer.uid, newer.token, 'Again-passw0rd-2');
      expect([reused.status, reused.body.code]).to.deep.equal([400, 'invalid_token']);
      await login(bank.svc, user.email, 'Newest-passw0rd-1');
    });

    it('an activation link works once; a resent link supersedes the first; a forged one is refused', async () => {
      const { svc } = bank;
      const before = svc.mail.mails.length;
      const reg = await svc.api.post('/auth/users/', { email: 'fay@example.com', password: DEFAULT_PASSWORD });
      const first = await mailedLink(svc, 'fay@example.com', 'activation', before);
      const resent = svc.mail.mails.length;
      expect((await svc.api.post('/auth/users/resend_activation/', { email: 'fay@example.com' })).status).to.equal(204);
      const second = await mailedLink(svc, 'fay@example.com', 'activation', resent);
      const fake = await svc.api.post('/auth/users/activation/', { uid: reg.body.id, token: await forged('activation', reg.body.id) });
      expect([fake.status, fake.body.code]).to.deep.equal([400, 'invalid_token']);
      const old = await svc.api.post('/auth/users/activation/', { uid: first.uid, token: first.token });
      expect([old.status, old.body.code]).to.deep.equal([400, 'invalid_token']);
      expect((await svc.api.post('/auth/users/activation/', { uid: second.uid, token: second.token })).status).to.equal(204);
      const again = await svc.api.post('/auth/users/activation/', { uid: second.uid, token: second.token });
      expect([again.status, again.body.code]).to.deep.equal([403, 'stale_token']);
    });
  });
});
