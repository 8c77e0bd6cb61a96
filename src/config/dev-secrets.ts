import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The secrets a development or test run uses when the environment gives none. */
export interface DevSecrets {
  JWT_SECRET: string;
  DATA_MASTER_KEY: string;
  EMAIL_HASH_KEY: string;
}

export const DEV_SECRETS_FILE = 'secrets.json';

const generate = (): DevSecrets => ({
  JWT_SECRET: randomBytes(48).toString('base64url'),
  DATA_MASTER_KEY: randomBytes(32).toString('hex'),
  EMAIL_HASH_KEY: randomBytes(32).toString('hex'),
});

/**
 * Random secrets made once per data folder and kept in `<dataDir>/secrets.json`
 * (mode 0600), instead of a default everyone shares. The file is written
 * beside its final name and hard-linked into place, which fails when it is
 * already there: two processes starting together end up with the same file.
 * Losing it loses the master key, and with it every personal field encrypted
 * under the data keys it wraps: back it up with the data.
 */
export function devSecrets(dataDir: string): DevSecrets {
  const path = join(dataDir, DEV_SECRETS_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(temporary, `${JSON.stringify(generate(), null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    try {
      linkSync(temporary, path);
    } catch (linkError) {
      if ((linkError as NodeJS.ErrnoException).code !== 'EEXIST') throw linkError;
    } finally {
      rmSync(temporary, { force: true });
    }
    text = readFileSync(path, 'utf8');
  }
  const parsed = JSON.parse(text) as Partial<DevSecrets>;
  for (const name of ['JWT_SECRET', 'DATA_MASTER_KEY', 'EMAIL_HASH_KEY'] as const) {
    if (typeof parsed[name] !== 'string' || parsed[name] === '') throw new Error(`${path} has no ${name}: set it in the environment or delete the file`);
  }
  return parsed as DevSecrets;
}
