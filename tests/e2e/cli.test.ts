import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_ENTRY, ensureBuilt, SERVICE_ENTRY } from '../helpers/build.js';
import { E2E_KEYS, startService, type RunningService } from '../helpers/service.js';
import { login, runCli } from '../helpers/users.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A compiled entry point run with exactly `env` (plus PATH), bounded in time. */
async function run(entry: string, args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<Run> {
  await ensureBuilt();
  const child = spawn(process.execPath, [entry, ...args], { env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

const UNREACHABLE = 'postgres://postgres@127.0.0.1:1/nowhere';
const noStack = (r: Run) => expect(r.stderr, r.stderr).to.not.match(/\n\s+at /);

describe('CLI: strict arguments, --help, exit codes, clear lines', function () {
  this.timeout(120_000);
  const env = { ...E2E_KEYS, DATABASE_URL: UNREACHABLE, EVENTSTORE_URL: '', LOG_LEVEL: 'warn' };

  it('--help shows a command\'s options and exits 0 without running it (no database needed)', async () => {
    const help = await run(CLI_ENTRY, ['verify', '--help'], env);
    expect(help.code, help.stderr).to.equal(0);
    expect(help.stdout).to.match(/usage: npm run cli -- verify/);
    expect(help.stdout).to.include('--checkpoint FILE');
    const all = await run(CLI_ENTRY, ['--help'], env);
    expect(all.code).to.equal(0);
    expect(all.stdout).to.match(/exit codes: 0 ok, 1 .*2 usage.*3 stores unreachable/);
  });

  it('refuses unknown flags, missing values and unknown commands with exit 2, before touching the stores', async () => {
    const typo = await run(CLI_ENTRY, ['balance-as-of', '--account', '1234', '--asof', '30'], env);
    expect(typo.code, typo.stderr).to.equal(2);
    expect(typo.stderr).to.match(/Unknown option '--asof'/);
    noStack(typo);
    const noValue = await run(CLI_ENTRY, ['balance-as-of', '--account'], env);
    expect(noValue.code).to.equal(2);
    const stray = await run(CLI_ENTRY, ['verify', 'extra'], env);
    expect(stray.code).to.equal(2);
    expect((await run(CLI_ENTRY, ['no-such-command'], env)).code).to.equal(2);
    expect((await run(CLI_ENTRY, [], env)).code).to.equal(2);
    const badValue = await run(CLI_ENTRY, ['balance-as-of', '--account', '1234', '--as-of', 'yesterday'], env);
    expect(badValue.code, badValue.stderr).to.equal(2);
  });

  it('exits 3 with one line when the database cannot be reached', async () => {
    const down = await run(CLI_ENTRY, ['verify'], env);
    expect(down.code, down.stderr).to.equal(3);
    expect(down.stderr).to.match(/^verify: cannot reach the stores: ECONNREFUSED/);
    noStack(down);
  });

  it('reports every bad setting at once, one line each, before opening anything (service exits 2)', async () => {
    const bad = await run(SERVICE_ENTRY, [], { ...env, RISK_BURST_COUNT: '-3', TRUST_PROXY: 'not-an-address', CORS_ORIGINS: 'not-a-url', PORT: 'eighty' });
    expect(bad.code, bad.stderr).to.equal(2);
    const lines = bad.stderr.split('\n').filter((l) => l.startsWith('configuration error:'));
    expect(lines.map((l) => /configuration error: (\w+)/.exec(l)?.[1]).sort()).to.deep.equal(['CORS_ORIGINS', 'PORT', 'RISK_BURST_COUNT', 'TRUST_PROXY']);
    noStack(bad);
  });

  it('reads .env (ENV_FILE), with the environment winning over it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-env-'));
    try {
      const file = join(dir, '.env');
      writeFileSync(file, 'RISK_BURST_COUNT=-3\nPORT=eighty\n');
      const fromFile = await run(SERVICE_ENTRY, [], { ...env, ENV_FILE: file });
      expect(fromFile.code).to.equal(2);
      expect(fromFile.stderr).to.match(/RISK_BURST_COUNT/).and.match(/PORT/);
      const overridden = await run(SERVICE_ENTRY, [], { ...env, ENV_FILE: file, PORT: '0', RISK_BURST_COUNT: '5', DATABASE_URL: UNREACHABLE, DATABASE_CONNECT_TIMEOUT_SECONDS: '1' });
      expect(overridden.stderr).to.not.match(/configuration error/);
      const missing = await run(SERVICE_ENTRY, [], { ...env, ENV_FILE: join(dir, 'nope.env') });
      expect(missing.code).to.equal(2);
      expect(missing.stderr).to.match(/ENV_FILE: .* does not exist/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('CLI createsuperuser beside the running embedded service', function () {
  this.timeout(120_000);
  let svc: RunningService;
  const dataDir = mkdtempSync(join(tmpdir(), 'nexus-cli-'));

  before(async () => {
    svc = await startService({ DATABASE_URL: '', DATA_DIR: dataDir });
  });
  after(async () => {
    await svc?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates the superuser through the service holding the data folder, and refuses through it too', async () => {
    const password = 'Sup3r-secret-pass';
    const made = await runCli(svc, ['createsuperuser', '--email', 'ops@example.com'], { DATABASE_URL: '', NEXUS_SUPERUSER_PASSWORD: password });
    expect(made.code, made.stderr).to.equal(0);
    expect(made.stdout).to.match(/Superuser created: ops@example.com/);
    const tokens = await login(svc, 'ops@example.com', password);
    const me = await svc.api.get('/auth/users/me/', { token: tokens.access });
    expect(me.body).to.include({ is_staff: true });
    const again = await runCli(svc, ['createsuperuser', '--email', 'ops@example.com'], { DATABASE_URL: '', NEXUS_SUPERUSER_PASSWORD: password });
    expect(again.code).to.equal(1);
    expect(again.stderr).to.match(/already exists/);
    noStack(again);
  });
});
