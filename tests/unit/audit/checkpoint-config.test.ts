import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { DEV_KEY_FILE, loadCheckpointConfig } from '../../../src/config/checkpoint-config.js';
import { ConfigError } from '../../../src/config/config.js';
import { newSigningKeyPem, parseSigningKey } from '../../../src/infra/checkpoint-keys.js';

/** An Ed25519 PKCS#8 PEM from a 32-byte seed. */
const pemOfSeed = (seedHex: string) =>
  `-----BEGIN PRIVATE KEY-----\n${Buffer.from(`302e020100300506032b657004220420${seedHex}`, 'hex').toString('base64')}\n-----END PRIVATE KEY-----\n`;

describe('config: checkpoint signing key', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nexus-cp-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const prod = { nodeEnv: 'production' as const, dataDir: '/nonexistent' };
  const load = (env: Record<string, string>, base: Parameters<typeof loadCheckpointConfig>[0] = prod) => loadCheckpointConfig(base, env);

  it('production will not start without a key while checkpoints are on, and names the variables', () => {
    expect(() => load({})).to.throw(ConfigError, /CHECKPOINT_SIGNING_KEY_FILE \(or CHECKPOINT_SIGNING_KEY\) is required when NODE_ENV=production, unless CHECKPOINTS_ENABLED=false/);
    expect(load({ CHECKPOINTS_ENABLED: 'false' })).to.deep.include({ enabled: false, signingKey: undefined, trustedKeys: [] });
    // Tools that only verify need no private key.
    expect(loadCheckpointConfig(prod, {}, { sign: false }).signingKey).to.equal(undefined);
  });

  it('production refuses published example keys and keys that are not random', () => {
    const rfc8032 = pemOfSeed('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    expect(() => load({ CHECKPOINT_SIGNING_KEY: rfc8032 })).to.throw(ConfigError, /refused: it is a published example key/);
    expect(() => load({ CHECKPOINT_SIGNING_KEY: pemOfSeed('00'.repeat(32)) })).to.throw(ConfigError, /not random/);
    expect(() => load({ CHECKPOINT_SIGNING_KEY: pemOfSeed('0123456789abcdef'.repeat(4)) })).to.throw(ConfigError, /not random/);
    // Outside production the same key is accepted (tests and examples use them).
    expect(load({ CHECKPOINT_SIGNING_KEY: rfc8032 }, { nodeEnv: 'development', dataDir: dir }).signingKey).to.not.equal(undefined);
  });

  it('refuses a placeholder text, a key of another type, and two sources at once', () => {
    expect(() => load({ CHECKPOINT_SIGNING_KEY: 'change-me-to-a-real-key' })).to.throw(ConfigError, /CHECKPOINT_SIGNING_KEY is not a PEM \(PKCS#8\) private key/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => load({ CHECKPOINT_SIGNING_KEY: rsa })).to.throw(ConfigError, /not an Ed25519 key \(rsa\)/);
    expect(() => load({ CHECKPOINT_SIGNING_KEY: 'x', CHECKPOINT_SIGNING_KEY_FILE: '/x' })).to.throw(ConfigError, /not both/);
    expect(() => load({ CHECKPOINT_SIGNING_KEY_FILE: join(dir, 'missing.pem') })).to.throw(ConfigError, /cannot read .*missing\.pem \(ENOENT\)/);
  });

  it('takes the key from a file or from the variable with \\n escapes, and never shows it', () => {
    const pem = newSigningKeyPem();
    const file = join(dir, 'k.pem');
    writeFileSync(file, pem, { mode: 0o600 });
    const fromFile = load({ CHECKPOINT_SIGNING_KEY_FILE: file });
    const inline = load({ CHECKPOINT_SIGNING_KEY: pem.replace(/\n/g, '\\n') });
    expect(fromFile.signingKey!.keyId).to.equal(parseSigningKey(pem).keyId);
    expect(inline.signingKey!.keyId).to.equal(fromFile.signingKey!.keyId);
    expect(fromFile.keySource).to.equal(file);
    expect(inline.keySource).to.equal('CHECKPOINT_SIGNING_KEY');
    expect(JSON.stringify(fromFile)).to.not.include(pem.split('\n')[1]!);
  });

  it('development makes a key once in the data folder, readable by its owner only', () => {
    const dataDir = join(dir, 'data');
    const base = { nodeEnv: 'development' as const, dataDir };
    expect(loadCheckpointConfig(base, {}, { sign: false }).signingKey, 'verify-only makes no key').to.equal(undefined);
    const first = loadCheckpointConfig(base, {});
    expect(first.enabled).to.equal(true);
    expect(first.keySource).to.equal(join(dataDir, DEV_KEY_FILE));
    expect(statSync(first.keySource!).mode & 0o777).to.equal(0o600);
    expect(loadCheckpointConfig(base, {}).signingKey!.keyId).to.equal(first.signingKey!.keyId);
    expect(loadCheckpointConfig({ nodeEnv: 'test', dataDir }, {}).enabled, 'off by default under test').to.equal(false);
  });

  it('trusts the public keys of CHECKPOINT_TRUSTED_KEYS besides its own', () => {
    const old = parseSigningKey(newSigningKeyPem());
    const file = join(dir, 'old.pub.pem');
    writeFileSync(file, old.publicPem);
    const cfg = load({ CHECKPOINTS_ENABLED: 'false', CHECKPOINT_TRUSTED_KEYS: ` ${file} ,` });
    expect(cfg.trustedKeys.map((k) => k.keyId)).to.deep.equal([old.keyId]);
    writeFileSync(join(dir, 'junk.pem'), 'not a key');
    expect(() => load({ CHECKPOINTS_ENABLED: 'false', CHECKPOINT_TRUSTED_KEYS: join(dir, 'junk.pem') })).to.throw(ConfigError, /CHECKPOINT_TRUSTED_KEYS: .*junk\.pem is not a PEM public key/);
  });

  it('checks the interval and the switch', () => {
    expect(() => load({ CHECKPOINTS_ENABLED: 'false', CHECKPOINT_INTERVAL_SECONDS: '0' })).to.throw(ConfigError, /CHECKPOINT_INTERVAL_SECONDS/);
    expect(() => load({ CHECKPOINTS_ENABLED: 'maybe' })).to.throw(ConfigError, /CHECKPOINTS_ENABLED/);
    expect(load({ CHECKPOINTS_ENABLED: 'false', CHECKPOINT_INTERVAL_SECONDS: '900' }).intervalSeconds).to.equal(900);
  });
});
