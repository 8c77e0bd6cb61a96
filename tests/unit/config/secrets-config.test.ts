import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config/config.js';
import { estimatedBits } from '../../../src/config/secret-policy.js';
import { E2E_KEYS } from '../../helpers/service.js';

/** What .env.example shows for a variable (commented or not). */
function exampleValue(name: string): string {
  const line = readFileSync('.env.example', 'utf8').split('\n').find((l) => new RegExp(`^#?\\s*${name}=`).test(l));
  if (!line) throw new Error(`${name} is not in .env.example`);
  return line.slice(line.indexOf('=') + 1).trim();
}

const strong = () => ({
  NODE_ENV: 'production',
  JWT_SECRET: randomBytes(48).toString('base64url'),
  DATA_MASTER_KEY: randomBytes(32).toString('hex'),
  EMAIL_HASH_KEY: randomBytes(32).toString('base64'),
  EMAIL_HOST: 'smtp.example.net',
});

describe('configuration: secrets and mail', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nexus-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('production refuses secrets anyone could know or guess', () => {
    it('starts with strong secrets and a mail transport', () => {
      const config = loadConfig(strong());
      expect(config.emailMode).to.equal('smtp');
      expect(config.dataMasterKey).to.have.length(32);
      expect(config.emailHashKey).to.have.length(32);
    });

    for (const name of ['JWT_SECRET', 'DATA_MASTER_KEY', 'EMAIL_HASH_KEY'] as const) {
      it(`requires ${name}`, () => {
        const env: Record<string, string | undefined> = strong();
        delete env[name];
        expect(() => loadConfig(env)).to.throw(ConfigError, new RegExp(`^${name} is required`));
      });
    }

    it('refuses the old development default and the .env.example placeholders', () => {
      const known = ['nexus-dev-only-secret-do-not-use-in-production-0123456789', exampleValue('JWT_SECRET')];
      for (const value of known) {
        expect(() => loadConfig({ ...strong(), JWT_SECRET: value }), value).to.throw(ConfigError, /^JWT_SECRET (is a publicly known value|looks like a placeholder)/);
      }
      expect(() => loadConfig({ ...strong(), DATA_MASTER_KEY: exampleValue('DATA_MASTER_KEY') })).to.throw(ConfigError, /^DATA_MASTER_KEY/);
      expect(() => loadConfig({ ...strong(), EMAIL_HASH_KEY: exampleValue('EMAIL_HASH_KEY') })).to.throw(ConfigError, /^EMAIL_HASH_KEY/);
      // The keys the repository's own tests use are published too.
      expect(() => loadConfig({ ...strong(), DATA_MASTER_KEY: E2E_KEYS.DATA_MASTER_KEY })).to.throw(ConfigError, /^DATA_MASTER_KEY is a publicly known value/);
      expect(() => loadConfig({ ...strong(), JWT_SECRET: E2E_KEYS.JWT_SECRET })).to.throw(ConfigError, /^JWT_SECRET is a publicly known value/);
    });

    it('refuses low-entropy secrets', () => {
      for (const value of ['a'.repeat(64), 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEF', 'abcabcabcabcabcabcabcabcabcabcabcabc', 'short']) {
        expect(() => loadConfig({ ...strong(), JWT_SECRET: value }), value).to.throw(ConfigError, /^JWT_SECRET/);
      }
      expect(() => loadConfig({ ...strong(), DATA_MASTER_KEY: '00'.repeat(32) })).to.throw(ConfigError, /^DATA_MASTER_KEY/);
      expect(() => loadConfig({ ...strong(), EMAIL_HASH_KEY: randomBytes(16).toString('hex') })).to.throw(ConfigError, /^EMAIL_HASH_KEY/);
      const same = randomBytes(32).toString('hex');
      expect(() => loadConfig({ ...strong(), DATA_MASTER_KEY: same, EMAIL_HASH_KEY: same })).to.throw(ConfigError, /EMAIL_HASH_KEY must differ/);
      expect(estimatedBits(randomBytes(32).toString('hex'))).to.be.greaterThan(128);
    });

    it('refuses to start without a mail transport unless told to drop mail; never writes an outbox', () => {
      const env: Record<string, string | undefined> = { ...strong(), EMAIL_HOST: undefined };
      expect(() => loadConfig(env)).to.throw(ConfigError, /^EMAIL_HOST is required when NODE_ENV=production/);
      expect(loadConfig({ ...env, EMAIL_MODE: 'drop' }).emailMode).to.equal('drop');
      expect(() => loadConfig({ ...env, EMAIL_MODE: 'outbox' })).to.throw(ConfigError, /EMAIL_MODE=outbox is for development only/);
      expect(() => loadConfig({ ...env, EMAIL_MODE: 'smtp' })).to.throw(ConfigError, /EMAIL_MODE=smtp needs EMAIL_HOST/);
      expect(() => loadConfig({ ...strong(), EMAIL_MODE: 'log' })).to.throw(ConfigError, /^EMAIL_MODE must be/);
    });
  });

  describe('development', () => {
    it('makes random secrets once per data folder, kept with mode 0600', () => {
      const first = loadConfig({ NODE_ENV: 'development', DATA_DIR: dir });
      const file = join(dir, 'secrets.json');
      expect(statSync(file).mode & 0o777).to.equal(0o600);
      const again = loadConfig({ NODE_ENV: 'development', DATA_DIR: dir });
      expect(again.jwtSecret).to.equal(first.jwtSecret);
      expect(again.dataMasterKey.equals(first.dataMasterKey)).to.equal(true);
      expect(first.jwtSecret).to.not.equal('nexus-dev-only-secret-do-not-use-in-production-0123456789');
      const other = mkdtempSync(join(tmpdir(), 'nexus-config-'));
      try {
        const elsewhere = loadConfig({ NODE_ENV: 'development', DATA_DIR: other });
        expect(elsewhere.jwtSecret).to.not.equal(first.jwtSecret);
        expect(elsewhere.emailHashKey.equals(first.emailHashKey)).to.equal(false);
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
    });

    it('takes a secret from the environment over the file, and writes mail to the outbox without EMAIL_HOST', () => {
      const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: dir, JWT_SECRET: 'x'.repeat(40) });
      expect(config.jwtSecret).to.equal('x'.repeat(40));
      expect(config.emailMode).to.equal('outbox');
      expect(config.outboxDir).to.equal(join(dir, 'outbox'));
    });
  });
});
