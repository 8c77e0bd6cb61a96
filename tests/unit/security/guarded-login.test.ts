import { expect } from 'chai';
import { guardedLogin } from '../../../src/commands/security/guarded-login.js';
import { LoginLocked } from '../../../src/domain/security/login-locked.js';
import { unlockIp } from '../../../src/commands/security/lockouts.js';
import { createSecurity, type Security } from '../../../src/commands/security/security.js';
import type { LoginDeps } from '../../../src/commands/sessions/login.js';
import { InvalidCredentials } from '../../../src/domain/sessions/auth-errors.js';
import type { EmailIndex } from '../../../src/commands/users/email-index.js';
import type { CommandContext } from '../../../src/commands/shared/command-context.js';
import { loadConfig } from '../../../src/config/config.js';
import { pino } from 'pino';
import { MemoryStore, memoryRepo } from './memory-store.js';

const RIGHT = 'right-password';

describe('guarded login (lockouts before the password check)', () => {
  let store: MemoryStore;
  let security: Security;
  let deps: LoginDeps;
  let checks: number;
  // Stands in for login(): counts password checks (the argon2 step), succeeds only with RIGHT.
  const fakeLogin = async (_d: unknown, email: string, password: string) => {
    checks += 1;
    if (password !== RIGHT) throw new InvalidCredentials();
    return { access: 'a', refresh: 'r', user_id: `user-of-${email}` };
  };
  const ctx = (ip: string, role = 'anonymous', user_id: string | null = null): CommandContext =>
    ({ actor: { user_id, role, ip }, correlation_id: 'c', causation_id: null, now: new Date() });
  const attempt = (email: string, password: string, ip: string) =>
    guardedLogin(deps, security, email, password, ctx(ip), 'ua/1', fakeLogin as never);
  const outcome = (p: Promise<unknown>) => p.then(() => 'success', (e: unknown) => (e instanceof LoginLocked ? `locked:${e.lock.scope}` : e instanceof InvalidCredentials ? 'failure' : `error:${String(e)}`));
  const recorded = () => store.ofType('AuthAttemptRecorded').map((e) => e.data as { outcome: string; reason: string | null; email: string; ip: string; kind: string });

  beforeEach(() => {
    store = new MemoryStore();
    const config = loadConfig({ NODE_ENV: 'test', AXES_FAILURE_LIMIT: '5', LOCKOUT_PAIR_FAILURE_LIMIT: '3', AXES_COOLOFF_SECONDS: '600' });
    security = createSecurity(config, store, pino({ level: 'silent' }), { country: async () => null });
    // No user has any email here: attempts are on unknown emails.
    deps = { repo: memoryRepo(store), tokens: undefined as never, credentials: undefined as never, emails: { find: async () => undefined } as unknown as EmailIndex };
    checks = 0;
  });
  afterEach(() => security.stop());

  it('locks the email+IP pair after its limit: the right password is then refused without a password check', async () => {
    for (let i = 0; i < 3; i++) expect(await outcome(attempt('Eve@x.io', 'wrong', '10.0.0.1'))).to.equal('failure');
    expect(checks).to.equal(3);
    expect(await outcome(attempt('eve@x.io', RIGHT, '10.0.0.1'))).to.equal('locked:pair');
    expect(checks, 'a locked attempt must not reach the password check').to.equal(3);
    // The same email from another IP, and another email from this IP, are not locked.
    expect(await outcome(attempt('eve@x.io', RIGHT, '10.0.0.2'))).to.equal('success');
    expect(await outcome(attempt('bob@x.io', RIGHT, '10.0.0.1'))).to.equal('success');
    expect(recorded().map((r) => r.outcome)).to.deep.equal(['failure', 'failure', 'failure', 'locked', 'success', 'success']);
    expect(recorded()[3]).to.include({ reason: 'email_ip_locked', email: 'eve@x.io', ip: '10.0.0.1', kind: 'login' });
    expect(recorded()[0]!.reason).to.equal('unknown_email');
  });

  it('locks the IP after its limit across emails, until staff unlock it (which also lifts the pair locks)', async () => {
    for (const email of ['a@x.io', 'a@x.io', 'a@x.io', 'b@x.io', 'c@x.io']) await outcome(attempt(email, 'wrong', '10.0.0.9'));
    expect(await outcome(attempt('d@x.io', RIGHT, '10.0.0.9'))).to.equal('locked:ip');
    expect(checks).to.equal(5);
    await unlockIp(deps.repo, '10.0.0.9', ctx('10.0.0.100', 'staff', 'staff-1'), 'unlock-1');
    const cleared = store.ofType('LockoutCleared').at(-1)!;
    expect(cleared.data).to.include({ reason: 'unlock', cleared_by: 'staff-1' });
    expect(cleared.metadata.actor).to.deep.equal({ user_id: 'staff-1', role: 'staff', ip: '10.0.0.100' });
    expect(await outcome(attempt('d@x.io', RIGHT, '10.0.0.9'))).to.equal('success');
    expect(await outcome(attempt('a@x.io', RIGHT, '10.0.0.9'))).to.equal('success'); // its pair lock went with the IP's
  });

  it('a success clears the pair count but not the IP count', async () => {
    await outcome(attempt('e@x.io', 'wrong', '10.0.0.7'));
    await outcome(attempt('e@x.io', 'wrong', '10.0.0.7'));
    await outcome(attempt('e@x.io', RIGHT, '10.0.0.7'));
    await outcome(attempt('e@x.io', 'wrong', '10.0.0.7'));
    await outcome(attempt('e@x.io', 'wrong', '10.0.0.7'));
    expect(await outcome(attempt('e@x.io', RIGHT, '10.0.0.7'))).to.equal('success'); // pair at 2 of 3
    await outcome(attempt('f@x.io', 'wrong', '10.0.0.7')); // the IP's 5th failure
    expect(await outcome(attempt('e@x.io', RIGHT, '10.0.0.7'))).to.equal('locked:ip');
  });
});
