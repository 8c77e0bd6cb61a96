import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../helpers/http-client.js';
import { freePort, type RunningService } from '../helpers/service.js';
import { SmtpSink } from '../helpers/smtp-sink.js';
import { login, registerUser } from '../helpers/users.js';

/**
 * `npm start` as a new user runs it: the compiled build (prestart builds it,
 * a no-op here), the embedded PGlite store, a data folder that does not exist
 * yet. How long that takes is measured by `npm run bench:startup`, not here.
 */
describe('npm start on a fresh data folder (compiled build, PGlite)', function () {
  this.timeout(180_000);
  const dataDir = join(mkdtempSync(join(tmpdir(), 'nexus-start-')), 'data');
  let child: ChildProcess;
  let output = '';
  let mail: SmtpSink;
  let svc: Pick<RunningService, 'api' | 'mail'>;

  before(async () => {
    mail = await new SmtpSink().start();
    const port = await freePort();
    // Its own process group: npm and the node it starts are stopped together.
    child = spawn('npm', ['start'], {
      detached: true,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: '',
        EVENTSTORE_URL: '',
        DATA_DIR: dataDir,
        EMAIL_HOST: '127.0.0.1',
        EMAIL_PORT: String(mail.port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    svc = { api: new ApiClient(`http://127.0.0.1:${port}`), mail };
    const deadline = Date.now() + 150_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`npm start did not answer /health:\n${output}`);
      if (await svc.api.get('/health').then((r) => r.status === 200, () => false)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  after(async () => {
    if (child?.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(-child.pid, 'SIGTERM');
      const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    await mail?.stop();
    rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('runs the compiled JavaScript and fills the new folder from the build\'s cluster template', () => {
    expect(output).to.include('node dist/src/main.js');
    expect(output).to.not.match(/\btsx\b/);
    expect(output).to.match(/"cluster":"template"/);
    expect(existsSync(join(dataDir, 'PG_VERSION'))).to.equal(true);
  });

  it('answers /health and serves a real API call after the fresh start', async () => {
    const health = await svc.api.get('/health');
    expect(health.status).to.equal(200);
    expect(health.body.event_store).to.equal('pglite');
    await registerUser(svc as RunningService, 'first-start@example.com');
    const tokens = await login(svc as RunningService, 'first-start@example.com');
    const opened = await svc.api.post('/accounts/', { currency: 'JOD' }, { token: tokens.access });
    expect(opened.status, JSON.stringify(opened.body)).to.equal(201);
    const listed = await svc.api.get(`/accounts/?min_position=${opened.body.position}`, { token: tokens.access });
    expect(listed.status).to.equal(200);
    expect(listed.body.results.map((a: { account_number: string }) => a.account_number)).to.deep.equal([opened.body.account_number]);
  });

  it('serves the contract and the staff console from the compiled code', async () => {
    const yaml = await svc.api.get('/api/schema/', { headers: { accept: 'application/yaml' } });
    expect(yaml.status).to.equal(200);
    expect(String(yaml.body)).to.match(/^openapi: 3\.1\.0/m);
    const page = await svc.api.get('/console/');
    expect(page.status).to.equal(200);
    expect(String(page.body)).to.match(/<script type="module" crossorigin src="\/console\/assets\/index-[\w-]+\.js">/);
  });
});
