import { expect } from 'chai';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ensureBuilt } from '../helpers/build.js';
import { freePort } from '../helpers/service.js';

/** What the Dockerfile's runtime stage copies (COPY lines after `AS runtime`), as [source, destination] in /app. */
function runtimeCopies(): [string, string][] {
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  const runtime = dockerfile.slice(dockerfile.indexOf(' AS runtime'));
  return [...runtime.matchAll(/^COPY (--from=build )?(.+)$/gm)].flatMap((m) => {
    const parts = m[2]!.trim().split(/\s+/);
    const dest = parts.pop()!;
    return parts.map((src): [string, string] => [src.replace(/^\/app\//, ''), dest === './' ? src.replace(/^\/app\//, '') : dest.replace(/^\.\//, '')]);
  });
}

/**
 * The image's runtime stage without Docker: the files it copies, `npm ci
 * --omit=dev`, then `node dist/src/main.js` on a fresh PGlite folder. Fails
 * when the compiled code imports a development dependency or reads a file the
 * image does not ship.
 */
describe('the production install (the Dockerfile runtime stage, simulated)', function () {
  this.timeout(300_000);
  const app = mkdtempSync(join(tmpdir(), 'nexus-runtime-'));
  let child: ChildProcess | undefined;
  let output = '';
  let base = '';

  before(async () => {
    await ensureBuilt();
    const copies = runtimeCopies();
    expect(copies.map(([src]) => src)).to.include.members(['package.json', 'package-lock.json', 'dist', 'openapi']);
    for (const [src, dest] of copies) {
      mkdirSync(dirname(join(app, dest)), { recursive: true });
      cpSync(src, join(app, dest), { recursive: true });
    }
    await promisify(execFile)('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app, env: { ...process.env, NODE_ENV: 'production' } });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: app,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        JWT_SECRET: randomBytes(32).toString('hex'),
        DATA_MASTER_KEY: randomBytes(32).toString('hex'),
        EMAIL_HASH_KEY: randomBytes(32).toString('hex'),
        // No mail server in this test: production sends nothing only when told to.
        EMAIL_MODE: 'drop',
        CHECKPOINT_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: '', EVENTSTORE_URL: '', EMAIL_HOST: '', DATA_DIR: join(app, 'data'), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 120_000;
    while (!(await fetch(`${base}/health`).then((r) => r.ok, () => false))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the production install did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  after(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(app, { recursive: true, force: true });
  });

  it('holds no development dependency', () => {
    for (const dev of ['tsx', 'typescript', 'mocha', 'redoc', 'react', 'core-js']) expect(existsSync(join(app, 'node_modules', dev)), dev).to.equal(false);
  });

  it('starts from the cluster template and serves commands, the contract, its readers and the staff console', async () => {
    expect(output).to.match(/"cluster":"template"/);
    const registered = await fetch(`${base}/auth/users/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'runtime@example.com', password: 'Corr3ct-horse-battery' }),
    });
    expect(registered.status).to.equal(201);
    const yaml = await fetch(`${base}/api/schema/`, { headers: { accept: 'application/yaml' } });
    expect(await yaml.text()).to.match(/^openapi: 3\.1\.0/m);
    for (const path of ['/api/schema/swagger-ui/assets/swagger-ui-bundle.js', '/api/schema/redoc/redoc.standalone.js', '/console/', '/business/dashboard/']) {
      expect((await fetch(`${base}${path}`)).status, path).to.equal(200);
    }
  });
});
