import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { CredentialStore } from '../../../src/commands/credentials/credential-store.js';
import type { LoginDeps } from '../../../src/commands/sessions/login.js';
import { TokenService } from '../../../src/commands/sessions/token-service.js';
import { passwordOnlyLogin } from '../../../src/commands/two-factor/second-factor-policy.js';
import { twoFactorAggregate } from '../../../src/commands/two-factor/two-factor-aggregate.js';
import { hashPassword } from '../../../src/commands/users/passwords.js';
import type { EmailIndex } from '../../../src/commands/users/email-index.js';
import type { CommandContext } from '../../../src/commands/shared/command-context.js';
import { idsFrom } from '../../../src/commands/shared/ids.js';
import { loadConfig, type Config } from '../../../src/config/config.js';
import { DomainError } from '../../../src/domain/shared/domain-error.js';
import { twoFactorStream } from '../../../src/domain/two-factor/decider.js';
import { MemoryStore, memoryRepo } from '../security/memory-store.js';

const PASSWORD = 'Right-passw0rd-1';
const ctx = (): CommandContext => ({ actor: { user_id: null, role: 'anonymous', ip: '203.0.113.9' }, correlation_id: 'c', causation_id: null, now: new Date() });

/** What POST /auth/jwt/create decides for a customer, a staff member and a customer with an authenticator app, per setting and environment. */
describe('password-only login (PASSWORD_ONLY_LOGIN, staff in production, authenticator apps)', () => {
  let store: MemoryStore;
  let deps: LoginDeps;
  const ids: Record<string, string> = {};

  before(async () => {
    const hash = await hashPassword(PASSWORD);
    store = new MemoryStore();
    const repo = memoryRepo(store);
    for (const [email, isStaff] of [['cus@example.com', false], ['staff@example.com', true], ['app@example.com', false]] as const) {
      const id = randomUUID();
      ids[email] = id;
      await store.append(`user-${id}`, [
        { event_id: randomUUID(), type: 'UserRegistered', data: { user_id: id, email, credential_id: 'pw', country: '', kpi_country: '', first_name: '', last_name: '', is_staff: isStaff, is_superuser: isStaff, roles: [], registered_at: new Date().toISOString() }, metadata: ctx() as never },
        { event_id: randomUUID(), type: 'UserActivated', data: { activated_at: new Date().toISOString() }, metadata: ctx() as never },
      ], 'no_stream');
    }
    const appUser = ids['app@example.com']!;
    await repo.execute(twoFactorAggregate, twoFactorStream(appUser), { type: 'StartTotpEnrolment', credential_id: 'k' }, ctx(), idsFrom('e1'));
    await repo.execute(twoFactorAggregate, twoFactorStream(appUser), { type: 'EnableTotp', credential_id: 'k', recovery_codes: 10, time_step: 1 }, ctx(), idsFrom('e2'));
    const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'j'.repeat(40), DATA_MASTER_KEY: 'a3f1c0de5b7e49d2a8c61f0e9d3b7a45c2e8f14b6d09a7c3e5f2b8d1c4a6e903', EMAIL_HASH_KEY: '5e2d8b1f0c7a4e93b6d2f8a1c5e09b7d3f4a6c8e2b1d0f9a7c5e3b2d1f0a9c8e' });
    deps = {
      repo,
      tokens: new TokenService(config),
      credentials: { get: async () => ({ secret: hash, created_at: new Date(), expires_at: null }) } as unknown as CredentialStore,
      emails: { find: async (email: string) => (ids[email] ? { user_id: ids[email] } : undefined) } as unknown as EmailIndex,
    };
  });

  const outcome = async (settings: Pick<Config, 'nodeEnv' | 'passwordOnlyLogin'>, email: string, password = PASSWORD) => {
    try {
      const pair = await passwordOnlyLogin(settings)(deps, email, password, ctx());
      return pair.access ? 'tokens' : 'nothing';
    } catch (e) {
      if (e instanceof Error && e.name === 'InvalidCredentials') return 'invalid credentials';
      return e instanceof DomainError ? `${e.status} ${e.code}` : String(e);
    }
  };

  it('allow: customers and (outside production) staff get tokens; production staff and app users get 403 second_factor_required after a right password', async () => {
    const dev = { nodeEnv: 'development', passwordOnlyLogin: 'allow' } as const;
    const prod = { nodeEnv: 'production', passwordOnlyLogin: 'allow' } as const;
    expect(await outcome(dev, 'cus@example.com')).to.equal('tokens');
    expect(await outcome(dev, 'staff@example.com')).to.equal('tokens');
    expect(await outcome(dev, 'app@example.com')).to.equal('403 second_factor_required');
    expect(await outcome(prod, 'cus@example.com')).to.equal('tokens');
    expect(await outcome(prod, 'staff@example.com')).to.equal('403 second_factor_required');
    // A wrong password is the usual 401: the refusal tells nothing to whoever lacks the password.
    expect(await outcome(prod, 'staff@example.com', 'Wrong-passw0rd-2')).to.equal('invalid credentials');
    expect(await outcome(dev, 'app@example.com', 'Wrong-passw0rd-2')).to.equal('invalid credentials');
  });

  it('refuse: everyone is refused before any password check', async () => {
    const refuse = { nodeEnv: 'test', passwordOnlyLogin: 'refuse' } as const;
    for (const email of ['cus@example.com', 'staff@example.com', 'nobody@example.com']) {
      expect(await outcome(refuse, email, 'anything')).to.equal('403 second_factor_required');
    }
  });
});
