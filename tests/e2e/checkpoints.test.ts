import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import { newSigningKeyPem, parseSigningKey } from '../../src/infra/checkpoint-keys.js';
import { expectConforms } from '../helpers/contract.js';
import { startService, writtenHead, type RunningService } from '../helpers/service.js';
import { rewriteHistory } from '../helpers/tamper.js';
import { createStaff, login, registerUser, runCli, type Tokens } from '../helpers/users.js';

interface Exported {
  id: string;
  position: string;
  stream_count: number;
  merkle_root: string;
  key_id: string;
  signature: string;
  public_key: string;
  event_position: string;
}

describe('signed checkpoints over HTTP and the CLI (end to end)', function () {
  this.timeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'nexus-cp-e2e-'));
  const keyFile = join(dir, 'signing-key.pem');
  const keyPem = newSigningKeyPem();
  writeFileSync(keyFile, keyPem, { mode: 0o600 });
  const key = parseSigningKey(keyPem);
  const env = { CHECKPOINTS_ENABLED: 'true', CHECKPOINT_SIGNING_KEY_FILE: keyFile, CHECKPOINT_INTERVAL_SECONDS: '3600' };
  let svc: RunningService;
  let staff: Tokens;
  let auditor: Tokens;
  let alice: Tokens;
  let account: string;
  let kept: Exported;
  const file = (name: string) => join(dir, name);

  before(async () => {
    svc = await startService(env);
    await registerUser(svc, 'alice@example.com');
    await registerUser(svc, 'audrey@example.com');
    alice = await login(svc, 'alice@example.com');
    staff = await createStaff(svc, 'staff@example.com');
    expect((await runCli(svc, ['grant-role', '--email', 'audrey@example.com', '--role', 'auditor'])).code).to.equal(0);
    auditor = await login(svc, 'audrey@example.com');
    account = (await svc.api.post('/accounts/', {}, { token: alice.access })).body.account_number;
    for (const amount of ['100.000', '20.000']) {
      expect((await svc.api.post(`/admin/accounts/${account}/deposit/`, { amount }, { token: staff.access })).status).to.equal(201);
    }
  });
  after(async () => {
    await svc?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string, token = auditor.access) => svc.api.get(path, { token });

  it('is for auditors and staff only', async () => {
    for (const path of ['/audit/checkpoints/', '/audit/checkpoints/latest/', '/audit/checkpoints/public-key/']) {
      expect((await svc.api.get(path)).status, path).to.equal(401);
      expect((await get(path, alice.access)).status, path).to.equal(403);
    }
    expect((await svc.api.post('/audit/checkpoints/', {}, { token: alice.access })).status).to.equal(403);
  });

  it('publishes the public key, and signs, stores, lists and exports checkpoints', async () => {
    const keys = await get('/audit/checkpoints/public-key/');
    expect(keys.status).to.equal(200);
    expectConforms('GET', '/audit/checkpoints/public-key', keys);
    expect(keys.body.signing_key).to.deep.equal({ key_id: key.keyId, algorithm: 'Ed25519', public_key: key.publicPem });
    expect(keys.body.trusted_keys.map((k: { key_id: string }) => k.key_id)).to.deep.equal([key.keyId]);
    expect(JSON.stringify(keys.body)).to.not.include(keyPem.split('\n')[1]!);

    // Sign once every deposit is readable (the readers' horizon is the whole server's).
    const written = BigInt(await writtenHead(svc));
    while (BigInt((await get('/audit/events?limit=1')).body.head_position) < written) await new Promise((r) => setTimeout(r, 50));
    const signed = await svc.api.post('/audit/checkpoints/', {}, { token: staff.access });
    expect(signed.status, JSON.stringify(signed.body)).to.equal(201);
    expectConforms('POST', '/audit/checkpoints', signed);
    kept = signed.body as Exported;
    expect(kept).to.include({ key_id: key.keyId, format: 'nexus-bank.chain-checkpoint.v1', public_key: key.publicPem });
    expect(BigInt(kept.event_position) > BigInt(kept.position)).to.equal(true);
    expect(kept.stream_count).to.be.greaterThan(4);
    expect((await get('/audit/checkpoints/latest/')).body).to.deep.equal(kept);
    expect((await get(`/audit/checkpoints/${kept.id}/`)).body).to.deep.equal(kept);
    expect((await get('/audit/checkpoints/999999/')).status).to.equal(404);
    expect((await get('/audit/checkpoints/nope/')).status).to.equal(404);

    const again = await svc.api.post('/audit/checkpoints/', undefined, { token: auditor.access });
    expect(again.status).to.equal(201);
    const page = await get('/audit/checkpoints/?limit=1');
    expectConforms('GET', '/audit/checkpoints', page);
    expectConforms('GET', '/audit/checkpoints/{checkpoint_id}', await get('/audit/checkpoints/latest/'));
    expect(page.body.results.map((c: Exported) => c.id)).to.deep.equal([again.body.id]);
    const older = await get(`/audit/checkpoints/?limit=1&cursor=${page.body.next_cursor}`);
    expect(older.body.results.map((c: Exported) => c.id)).to.deep.equal([kept.id]);
    expect((await svc.api.post('/audit/checkpoints/', { please: 'sign' }, { token: staff.access })).status).to.equal(400);

    // The CLI exports the same JSON, and checks it offline with the public key alone.
    const exported = await runCli(svc, ['checkpoint', 'export', '--id', kept.id, '--out', file('kept.json')]);
    expect(exported.code, exported.stderr).to.equal(0);
    expect(JSON.parse(readFileSync(file('kept.json'), 'utf8'))).to.deep.equal(kept);
    const pub = await runCli(svc, ['checkpoint', 'public-key', '--out', file('key.pub.pem')], env);
    expect(pub.code, pub.stderr).to.equal(0);
    expect(pub.stderr).to.include(key.keyId);
    const offline = await runCli(svc, ['checkpoint', 'verify-signature', '--checkpoint', file('kept.json'), '--public-key', file('key.pub.pem')], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(offline.code, offline.stdout + offline.stderr).to.equal(0);
    expect(offline.stdout).to.match(/\(trusted key\): OK: signature valid/);
  });

  it('verify holds the log against the latest checkpoint, a kept one, over HTTP and the CLI', async () => {
    const report = await get('/audit/verify/');
    expectConforms('GET', '/audit/verify', report);
    expect(report.body).to.include({ ok: true, break_count: 0 });
    expect(report.body.checkpoint).to.include({ ok: true, signature_valid: true, key_source: 'trusted' });
    const byId = await get(`/audit/verify/?checkpoint=${kept.id}`);
    expect(byId.body.checkpoint).to.deep.include({ id: kept.id, position: kept.position, ok: true, signed: { merkle_root: kept.merkle_root, stream_count: kept.stream_count } });
    expect((await svc.api.post('/audit/verify/', kept, { token: alice.access })).status).to.equal(403);
    const posted = await svc.api.post('/audit/verify/', kept, { token: auditor.access });
    expect(posted.status, JSON.stringify(posted.body)).to.equal(200);
    expectConforms('POST', '/audit/verify', posted);
    expect(posted.body.checkpoint).to.include({ id: null, ok: true, key_source: 'trusted' });
    const cli = await runCli(svc, ['verify', '--checkpoint', file('kept.json'), '--public-key', file('key.pub.pem')]);
    expect(cli.code, cli.stdout + cli.stderr).to.equal(0);
    expect((await get('/audit/verify/?checkpoint=12345')).status).to.equal(404);
    expect((await get(`/audit/verify/?checkpoint=latest&stream_id=account-${account}`)).status).to.equal(400);
    expect((await get('/audit/verify/?checkpoint=first')).status).to.equal(400);
    const bad = await svc.api.post('/audit/verify/', { ...kept, merkle_root: 'xyz' }, { token: auditor.access });
    expect(bad.status).to.equal(400);
    expect(bad.body.code).to.equal('validation_error');
  });

  it('a checkpoint edited by hand fails, over HTTP and in the CLI', async () => {
    const edited = { ...kept, stream_count: kept.stream_count + 1 };
    writeFileSync(file('edited.json'), JSON.stringify(edited));
    const posted = await svc.api.post('/audit/verify/', edited, { token: auditor.access });
    expect(posted.body.ok).to.equal(false);
    expect(posted.body.checkpoint.problems.map((p: { code: string }) => p.code)).to.deep.equal(['bad_signature', 'stream_count_mismatch']);
    const cli = await runCli(svc, ['checkpoint', 'verify-signature', '--checkpoint', file('edited.json')]);
    expect(cli.code).to.equal(1);
    expect(cli.stdout).to.match(/bad_signature/);
  });

  it('catches a history rewritten with its chain recomputed, which the chains alone miss', async () => {
    const db = new pg.Pool({ connectionString: svc.databaseUrl, max: 1 });
    try {
      await rewriteHistory(db, `account-${account}`, 1, { data: { ...(await get(`/audit/streams/account-${account}/`)).body.results[1].data, amount: '900000' } });
    } finally {
      await db.end();
    }
    const report = await get(`/audit/verify/?checkpoint=${kept.id}`);
    expectConforms('GET', '/audit/verify', report);
    expect(report.body).to.include({ ok: false, break_count: 0 });
    expect(report.body.checkpoint.problems.map((p: { code: string }) => p.code)).to.deep.equal(['merkle_root_mismatch']);
    // The latest stored checkpoint (by default), the kept copy uploaded, and the CLI with the kept file, all fail.
    expect((await get('/audit/verify/')).body.checkpoint.ok).to.equal(false);
    expect((await svc.api.post('/audit/verify/', kept, { token: auditor.access })).body.ok).to.equal(false);
    const cli = await runCli(svc, ['verify', '--checkpoint', file('kept.json')]);
    expect(cli.code).to.equal(1);
    expect(cli.stdout).to.match(/merkle_root_mismatch/);
    expect(cli.stdout).to.match(/FAILED: 0 breaks .*checkpoint does not hold/);
    expect((await runCli(svc, ['verify'], env)).code, 'the latest stored one, by default').to.equal(1);
    // Restarted, the service walks the log again and will not sign a history that changed under it.
    await svc.kill();
    await svc.restart();
    const refused = await svc.api.post('/audit/checkpoints/', {}, { token: staff.access });
    expect(refused.status, JSON.stringify(refused.body)).to.equal(409);
    expectConforms('POST', '/audit/checkpoints', refused);
    expect(refused.body.code).to.equal('checkpoint_mismatch');
    expect((await runCli(svc, ['checkpoint', 'sign'], env)).code).to.equal(1);
  });

  it('production will not start with checkpoints on and no key', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        JWT_SECRET: randomBytes(32).toString('base64url'),
        DATA_MASTER_KEY: randomBytes(32).toString('hex'),
        EMAIL_HASH_KEY: randomBytes(32).toString('hex'),
        EMAIL_HOST: '127.0.0.1',
        DATA_DIR: dir,
        CHECKPOINT_SIGNING_KEY_FILE: '',
        CHECKPOINT_SIGNING_KEY: '',
        CHECKPOINTS_ENABLED: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).to.equal(2);
    expect(stderr).to.match(/CHECKPOINT_SIGNING_KEY_FILE \(or CHECKPOINT_SIGNING_KEY\) is required when NODE_ENV=production/);
  });
});
