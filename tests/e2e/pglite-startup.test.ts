import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_ENTRY } from '../helpers/build.js';
import { startService, type RunningService } from '../helpers/service.js';
import { login, registerUser } from '../helpers/users.js';

describe('service on the embedded default (PGlite in a folder)', function () {
  this.timeout(120_000);
  let svc: RunningService;
  const dataDir = mkdtempSync(join(tmpdir(), 'nexus-pglite-'));

  before(async () => {
    svc = await startService({ DATABASE_URL: '', DATA_DIR: dataDir });
  });
  after(async () => {
    await svc?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves commands and read-your-writes queries, and keeps them across a kill -9', async () => {
    expect((await svc.api.get('/health')).body.event_store).to.equal('pglite');
    await registerUser(svc, 'carol@example.com');
    const tokens = await login(svc, 'carol@example.com');
    const opened = await svc.api.post('/accounts/', { currency: 'EUR' }, { token: tokens.access });
    expect(opened.status, JSON.stringify(opened.body)).to.equal(201);
    const listed = await svc.api.get(`/accounts?min_position=${opened.body.position}`, { token: tokens.access });
    expect(listed.body.results.map((a: { account_number: string }) => a.account_number)).to.deep.equal([opened.body.account_number]);

    await svc.kill();
    await svc.restart();
    const again = await login(svc, 'carol@example.com');
    const after = await svc.api.get(`/accounts?min_position=${opened.body.position}`, { token: again.access });
    expect(after.status).to.equal(200);
    expect(after.body.results.map((a: { account_number: string }) => a.account_number)).to.deep.equal([opened.body.account_number]);
  });

  it('refuses a second process on the same data folder', () => {
    const second = spawnSync(process.execPath, [SERVICE_ENTRY], {
      env: { ...process.env, DATABASE_URL: '', EVENTSTORE_URL: '', DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'error' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(second.status).to.not.equal(0);
    expect(second.stdout + second.stderr).to.match(/in use by process/);
  });
});
