import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CheckpointKeyError,
  newSigningKeyPem,
  parsePublicKey,
  parseSigningKey,
  placeholderReason,
  type CheckpointKey,
  type SigningKey,
} from '../infra/checkpoint-keys.js';
import { ConfigError, type Config } from './config.js';

/** Signed checkpoints of the hash chains (README, "Tamper evidence"); every variable is in .env.example. */
export interface CheckpointConfig {
  /** Sign periodically (where the projectors run) and on demand. */
  enabled: boolean;
  intervalSeconds: number;
  /** Absent when no key is configured (and none was made: production, or checkpoints off). */
  signingKey: SigningKey | undefined;
  /** Where the key came from, for the start-up log (never the key). */
  keySource: string | undefined;
  /** Public keys a checkpoint may be signed by: the signing key's and CHECKPOINT_TRUSTED_KEYS'. */
  trustedKeys: CheckpointKey[];
}

type Env = Record<string, string | undefined>;

/** The development key, made once in the data folder (mode 0600). */
export const DEV_KEY_FILE = 'checkpoint-signing-key.pem';

export interface LoadCheckpointOptions {
  /**
   * false for tools that only verify: no key is required or generated (an
   * existing development key still counts as trusted).
   */
  sign?: boolean;
}

function readText(path: string, variable: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function signingKeyFrom(pem: string, variable: string): SigningKey {
  try {
    return parseSigningKey(pem);
  } catch (error) {
    if (error instanceof CheckpointKeyError) throw new ConfigError(`${variable} is ${error.message}: an Ed25519 private key in PKCS#8 PEM is needed (openssl genpkey -algorithm ed25519)`);
    throw error;
  }
}

/** The development key in `dataDir`, made on first use unless `create` is false. */
function devKey(dataDir: string, create: boolean): { pem: string; path: string } | undefined {
  const path = join(dataDir, DEV_KEY_FILE);
  try {
    return { pem: readFileSync(path, 'utf8'), path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !create) return undefined;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(path, newSigningKeyPem(), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  return { pem: readFileSync(path, 'utf8'), path };
}

function interval(env: Env): number {
  const raw = env.CHECKPOINT_INTERVAL_SECONDS;
  if (raw === undefined || raw === '') return 3600;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 604_800) {
    throw new ConfigError(`CHECKPOINT_INTERVAL_SECONDS must be a whole number from 1 to 604800, got "${raw}"`);
  }
  return Number(raw);
}

function enabled(env: Env, nodeEnv: Config['nodeEnv']): boolean {
  const raw = env.CHECKPOINTS_ENABLED?.toLowerCase();
  if (raw === undefined || raw === '') return nodeEnv !== 'test';
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`CHECKPOINTS_ENABLED must be true or false, got "${env.CHECKPOINTS_ENABLED}"`);
}

/**
 * The signing key comes from CHECKPOINT_SIGNING_KEY_FILE or CHECKPOINT_SIGNING_KEY
 * (never the database). Without either, development and test make one in
 * DATA_DIR, and production refuses to start while checkpoints are on. A key
 * that is a published example or not random is refused in production.
 */
export function loadCheckpointConfig(
  base: Pick<Config, 'nodeEnv' | 'dataDir'>,
  env: Env = process.env,
  options: LoadCheckpointOptions = {},
): CheckpointConfig {
  const signing = options.sign !== false;
  const on = enabled(env, base.nodeEnv);
  const intervalSeconds = interval(env);
  const file = env.CHECKPOINT_SIGNING_KEY_FILE || undefined;
  const inline = env.CHECKPOINT_SIGNING_KEY || undefined;
  if (file && inline) throw new ConfigError('set CHECKPOINT_SIGNING_KEY_FILE or CHECKPOINT_SIGNING_KEY, not both');

  let signingKey: SigningKey | undefined;
  let keySource: string | undefined;
  if (file) {
    signingKey = signingKeyFrom(readText(file, 'CHECKPOINT_SIGNING_KEY_FILE'), 'CHECKPOINT_SIGNING_KEY_FILE');
    keySource = file;
  } else if (inline) {
    // A .env file often holds the PEM on one line with \n escapes.
    signingKey = signingKeyFrom(inline.replace(/\\n/g, '\n'), 'CHECKPOINT_SIGNING_KEY');
    keySource = 'CHECKPOINT_SIGNING_KEY';
  } else if (base.nodeEnv === 'production') {
    if (on && signing) {
      throw new ConfigError('CHECKPOINT_SIGNING_KEY_FILE (or CHECKPOINT_SIGNING_KEY) is required when NODE_ENV=production, unless CHECKPOINTS_ENABLED=false');
    }
  } else {
    const dev = devKey(base.dataDir, on && signing);
    if (dev) {
      signingKey = signingKeyFrom(dev.pem, dev.path);
      keySource = dev.path;
    }
  }
  if (signingKey && base.nodeEnv === 'production') {
    const reason = placeholderReason(signingKey);
    if (reason) throw new ConfigError(`the checkpoint signing key from ${keySource} is refused: ${reason}`);
  }

  const trustedKeys: CheckpointKey[] = signingKey ? [signingKey] : [];
  for (const path of (env.CHECKPOINT_TRUSTED_KEYS ?? '').split(',').map((p) => p.trim()).filter((p) => p.length > 0)) {
    try {
      const key = parsePublicKey(readText(path, 'CHECKPOINT_TRUSTED_KEYS'));
      if (!trustedKeys.some((k) => k.keyId === key.keyId)) trustedKeys.push(key);
    } catch (error) {
      if (error instanceof CheckpointKeyError) throw new ConfigError(`CHECKPOINT_TRUSTED_KEYS: ${path} is ${error.message}`);
      throw error;
    }
  }
  return { enabled: on, intervalSeconds, signingKey, keySource, trustedKeys };
}
