import { spawn } from 'node:child_process';
import { expect } from 'chai';
import { CLI_ENTRY, ensureBuilt } from './build.js';
import type { RunningService } from './service.js';

export const DEFAULT_PASSWORD = 'Corr3ct-horse-battery';

export interface TestUser {
  id: string;
  email: string;
  password: string;
}

export interface Tokens {
  access: string;
  refresh: string;
}

/** uid and token of the newest `kind` link mailed to `to` (after mail index `after`). */
export async function mailedLink(svc: RunningService, to: string, kind: 'activation' | 'reset', after = 0): Promise<{ uid: string; token: string; text: string }> {
  const subject = kind === 'activation' ? /Activate your account/ : /Password reset/;
  const mail = await svc.mail.waitFor(to, subject, 10_000, after);
  const path = kind === 'activation' ? '/auth/activate/' : '/password/reset/confirm/';
  const match = new RegExp(`${path.replace(/\//g, '\\/')}([^/\\s]+)\\/([^/\\s]+)`).exec(mail.text);
  if (!match) throw new Error(`no ${kind} link in mail to ${to}:\n${mail.text}`);
  return { uid: match[1]!, token: match[2]!, text: mail.text };
}

/** Registers through the API, reads the activation mail from the SMTP sink and activates. */
export async function registerUser(svc: RunningService, email: string, password = DEFAULT_PASSWORD, extra: Record<string, string> = {}): Promise<TestUser> {
  const before = svc.mail.mails.length;
  const res = await svc.api.post('/auth/users/', { email, password, ...extra });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  const { uid, token } = await mailedLink(svc, email, 'activation', before);
  const activated = await svc.api.post('/auth/users/activation/', { uid, token });
  expect(activated.status, JSON.stringify(activated.body)).to.equal(204);
  return { id: res.body.id as string, email: res.body.email as string, password };
}

/** Email and password for an access/refresh pair. */
export async function login(svc: RunningService, email: string, password = DEFAULT_PASSWORD): Promise<Tokens> {
  const res = await svc.api.post('/auth/jwt/create/', { email, password });
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return { access: res.body.access as string, refresh: res.body.refresh as string };
}

/** What the CLI must share with the service it works beside: the data folder (generated secrets) and the keys. */
const SHARED_ENV = ['DATA_DIR', 'JWT_SECRET', 'DATA_MASTER_KEY', 'EMAIL_HASH_KEY'];

/** Runs the compiled CLI (`npm run cli -- ...args`) against the service's database and keys; resolves with its exit code and output. */
export async function runCli(svc: RunningService, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  await ensureBuilt();
  const shared = Object.fromEntries(Object.entries(svc.env).filter(([k]) => SHARED_ENV.includes(k)));
  const child = spawn(process.execPath, [CLI_ENTRY, ...args], {
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: svc.databaseUrl, EVENTSTORE_URL: '', ...shared, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  return { code, stdout, stderr };
}

/** An active staff superuser made by the real CLI, logged in. */
export async function createStaff(svc: RunningService, email: string, password = DEFAULT_PASSWORD): Promise<TestUser & Tokens> {
  const out = await runCli(svc, ['createsuperuser', '--email', email], { NEXUS_SUPERUSER_PASSWORD: password });
  if (out.code !== 0) throw new Error(`createsuperuser failed (${out.code}): ${out.stderr}${out.stdout}`);
  const tokens = await login(svc, email, password);
  const me = await svc.api.get('/auth/users/me/', { token: tokens.access });
  expect(me.status).to.equal(200);
  return { id: me.body.id as string, email: me.body.email as string, password, ...tokens };
}
