import { expect } from 'chai';
import pg from 'pg';
import type { AuditEvent } from '../helpers/audit.js';
import { expectConforms } from '../helpers/contract.js';
import { startService, type RunningService } from '../helpers/service.js';
import { createStaff, login, registerUser, runCli, type Tokens } from '../helpers/users.js';

describe('auditor tools (HTTP and CLI)', function () {
  this.timeout(180_000);
  let svc: RunningService;
  let alice: Tokens;
  let staff: Tokens;
  let auditor: Tokens;
  let account: string;
  /** A second account of alice's, first funded early (position below 100). */
  let crossing: string;
  let crossingStart: string;
  const deposits: { amount: string; balance_after: string; position: string }[] = [];

  before(async () => {
    svc = await startService();
    await registerUser(svc, 'alice@example.com');
    await registerUser(svc, 'audrey@example.com');
    alice = await login(svc, 'alice@example.com');
    staff = await createStaff(svc, 'staff@example.com');
    const granted = await runCli(svc, ['grant-role', '--email', 'audrey@example.com', '--role', 'auditor']);
    expect(granted.code, granted.stderr).to.equal(0);
    expect(granted.stdout).to.match(/Role auditor granted to audrey@example.com/);
    auditor = await login(svc, 'audrey@example.com');
    const opened = await svc.api.post('/accounts/', {}, { token: alice.access });
    expect(opened.status).to.equal(201);
    account = opened.body.account_number;
    for (const amount of ['100.000', '25.250', '3.005']) {
      const res = await svc.api.post(`/admin/accounts/${account}/deposit/`, { amount }, { token: staff.access });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      deposits.push({ amount, balance_after: res.body.balance_after, position: res.body.position });
    }
    const other = await svc.api.post('/accounts/', {}, { token: alice.access });
    crossing = other.body.account_number;
    const first = await svc.api.post(`/admin/accounts/${crossing}/deposit/`, { amount: '1.000' }, { token: staff.access });
    crossingStart = first.body.position;
  });
  after(async () => {
    await svc?.stop();
  });

  const get = (path: string, token = auditor.access) => svc.api.get(path, { token });

  it('lets auditors and staff in, and keeps customers and anonymous callers out', async () => {
    for (const path of ['/audit/events/', `/audit/streams/account-${account}/`, '/audit/verify/', '/audit/projections/', `/audit/accounts/${account}/balance/`]) {
      expect((await svc.api.get(path)).status, path).to.equal(401);
      const denied = await get(path, alice.access);
      expect(denied.status, path).to.equal(403);
      expect(denied.headers.get('content-type')).to.match(/problem\+json/);
      expect((await get(path)).status, path).to.equal(200);
    }
    expect((await get('/audit/events/', staff.access)).status).to.equal(200);
    expect((await svc.api.post('/audit/projections/accounts/rebuild/', {}, { token: alice.access })).status).to.equal(403);
  });

  it('pages through a stream in revision order with envelope, metadata and hash chain', async () => {
    const seen: AuditEvent[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const res = await get(`/audit/streams/account-${account}/?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.results.length).to.be.at.most(2);
      seen.push(...res.body.results);
      cursor = res.body.next_cursor;
    }
    expect(seen.map((e) => e.revision)).to.deep.equal(['0', '1', '2', '3']);
    expect(seen.map((e) => e.type)).to.deep.equal(['AccountOpened', 'AccountCredited', 'AccountCredited', 'AccountCredited']);
    expect(seen[0]!.prev_hash).to.equal('0'.repeat(64));
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.prev_hash).to.equal(seen[i - 1]!.hash);
    expect(seen[1]!.metadata).to.include.keys('correlation_id', 'actor', 'occurred_at', 'schema_version');
    expect((await get('/audit/streams/account-000000000000/')).status).to.equal(404);
    expect((await get('/audit/streams/account-1/?cursor=bogus')).status).to.equal(400);
  });

  it('reads the global log in position order from a position', async () => {
    const first = await get('/audit/events/?limit=5');
    expect(first.status).to.equal(200);
    const positions = first.body.results.map((e: AuditEvent) => BigInt(e.position));
    expect(positions).to.have.length(5);
    for (let i = 1; i < positions.length; i++) expect(positions[i] > positions[i - 1]).to.equal(true);
    const next = await get(`/audit/events/?limit=5&cursor=${first.body.next_cursor}`);
    expect(BigInt(next.body.results[0].position) > positions[4]).to.equal(true);
    const tail = await get(`/audit/events/?from_position=${deposits[2]!.position}`);
    expect(tail.body.results.every((e: AuditEvent) => BigInt(e.position) > BigInt(deposits[2]!.position))).to.equal(true);
    expect((await get('/audit/events/?from_position=-3')).status).to.equal(400);
  });

  it('filters the global log by event type, a page at a time', async () => {
    const credits: AuditEvent[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const res = await get(`/audit/events/?type=AccountCredited&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.results.length).to.be.at.most(2);
      credits.push(...res.body.results);
      cursor = res.body.next_cursor;
    }
    expect(credits.length).to.be.at.least(3);
    expect(credits.every((e) => e.type === 'AccountCredited')).to.equal(true);
    const ours = credits.filter((e) => e.stream_id === `account-${account}`).map((e) => e.position);
    expect(ours).to.deep.equal(deposits.map((d) => d.position));
    expect((await get('/audit/events/?type=NoSuchEvent')).body).to.include({ next_cursor: null }).and.have.property('results').that.deep.equals([]);
    expect((await get('/audit/events/?type=not-a-type!')).status).to.equal(400);
  });

  it('replays the balance at each deposit position and at an instant, equal to the statement', async () => {
    for (const d of deposits) {
      const res = await get(`/audit/accounts/${account}/balance/?as_of=${d.position}&min_position=${d.position}`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.include({ balance: d.balance_after, existed: true, currency: 'JOD' });
      expect(res.body.read_model).to.include({ balance: d.balance_after, matches: true });
      expect(res.body.discrepancies).to.deep.equal([]);
    }
    const before = await get(`/audit/accounts/${account}/balance/?as_of=${BigInt(deposits[0]!.position) - 1n}`);
    expect(before.body).to.include({ balance: '0.000', existed: true });
    const now = await get(`/audit/accounts/${account}/balance/?as_of=${encodeURIComponent(new Date().toISOString())}`);
    expect(now.body).to.include({ balance: '128.255', events_replayed: 4 });
    const past = await get(`/audit/accounts/${account}/balance/?as_of=2000-01-01T00:00:00Z`);
    expect(past.body).to.include({ existed: false, events_replayed: 0 });
    expect((await get(`/audit/accounts/${account}/balance/?as_of=yesterday`)).status).to.equal(400);
    expect((await get('/audit/accounts/123456789012/balance/')).status).to.equal(404);
    const cli = await runCli(svc, ['balance-as-of', '--account', account, '--as-of', deposits[1]!.position]);
    expect(cli.code, cli.stderr).to.equal(0);
    expect(cli.stdout).to.match(new RegExp(`balance ${deposits[1]!.balance_after.replace('.', '\\.')} JOD`));
  });

  it("compares with the read model's latest entry by position as a number, across 2 and 3 digits", async () => {
    expect(BigInt(crossingStart) < 100n, `first entry at ${crossingStart}: the test needs it below 100`).to.equal(true);
    let last = { position: crossingStart, balance_after: '1.000' };
    while (BigInt(last.position) < 120n) {
      const res = await svc.api.post(`/admin/accounts/${crossing}/deposit/`, { amount: '1.000' }, { token: staff.access });
      expect(res.status).to.equal(201);
      last = res.body;
    }
    const res = await get(`/audit/accounts/${crossing}/balance/?min_position=${last.position}`);
    expect(res.body.read_model).to.deep.equal({ balance: last.balance_after, position: last.position, matches: true });
    expect(res.body).to.include({ balance: last.balance_after, held: '0.000', available: last.balance_after });
  });

  it("replays the bank's FX position accounts without a discrepancy (HTTP and CLI)", async () => {
    const usd = await svc.api.post('/accounts/', { type: 'USD', currency: 'USD' }, { token: alice.access });
    const sent = await svc.api.post('/transfers/internal/', { sender_account: crossing, receiver_account: usd.body.account_number, amount: '10.000' }, { token: alice.access });
    expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
    const credited = sent.body.transfer.credited_amount as string;
    for (const [fx, balance] of [['900000000021', '10.000'], ['900000000022', `-${credited}`]] as const) {
      const res = await get(`/audit/accounts/${fx}/balance/?min_position=${sent.body.position}`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.discrepancies, fx).to.deep.equal([]);
      expect(res.body).to.include({ balance });
      expect(res.body.read_model).to.include({ balance, matches: true });
      const cli = await runCli(svc, ['balance-as-of', '--account', fx]);
      expect(cli.code, cli.stdout + cli.stderr).to.equal(0);
      expect(cli.stdout).to.not.match(/DISCREPANCY/);
    }
  });

  it('reports projections with lag, and rebuilds one from 0 with the same rows', async () => {
    const status = await get('/audit/projections/');
    expect(status.body.projections.map((p: { name: string }) => p.name)).to.include.members(['accounts', 'cards', 'notifications']);
    const statementBefore = await svc.api.get(`/accounts/${account}/transactions/`, { token: alice.access });
    const started = await svc.api.post('/audit/projections/accounts/rebuild/', {}, { token: auditor.access });
    expect(started.status, JSON.stringify(started.body)).to.equal(202);
    expect(started.body.name).to.equal('accounts');
    expect((await svc.api.post('/audit/projections/nope/rebuild/', {}, { token: auditor.access })).status).to.equal(404);
    const deadline = Date.now() + 30_000;
    let accounts: { state: string; lag: string; last_rebuild: { state: string; events_applied: string } | null } | undefined;
    for (;;) {
      accounts = (await get('/audit/projections/')).body.projections.find((p: { name: string }) => p.name === 'accounts');
      if (accounts?.state === 'live' && accounts.last_rebuild?.state === 'done') break;
      if (Date.now() > deadline) throw new Error(`rebuild did not finish: ${JSON.stringify(accounts)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(Number(accounts!.last_rebuild!.events_applied)).to.be.greaterThan(0);
    const statementAfter = await svc.api.get(`/accounts/${account}/transactions/`, { token: alice.access });
    expect(statementAfter.body).to.deep.equal(statementBefore.body);
  });

  it('rebuilds every projection in one read of the log and gives the same rows back', async () => {
    const statementBefore = await svc.api.get(`/accounts/${account}/transactions/`, { token: alice.access });
    expect((await svc.api.post('/audit/projections/rebuild/', {}, { token: alice.access })).status).to.equal(403);
    const before = Date.now();
    const started = await svc.api.post('/audit/projections/rebuild/', {}, { token: auditor.access });
    expect(started.status, JSON.stringify(started.body)).to.equal(202);
    expectConforms('POST', '/audit/projections/rebuild', started);
    const names = started.body.projections.map((p: { name: string }) => p.name);
    expect(names).to.include.members(['accounts', 'cards', 'notifications']);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const projections: { name: string; state: string; last_rebuild: { state: string; finished_at: string | null } | null }[] = (await get('/audit/projections/')).body.projections;
      const done = projections.filter((p) => p.state === 'live' && p.last_rebuild?.state === 'done' && Date.parse(p.last_rebuild.finished_at!) >= before);
      if (done.length === names.length) break;
      if (Date.now() > deadline) throw new Error(`rebuild did not finish: ${JSON.stringify(projections)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const statementAfter = await svc.api.get(`/accounts/${account}/transactions/`, { token: alice.access });
    expect(statementAfter.body).to.deep.equal(statementBefore.body);
    // The CLI does the same beside the running service, and says each build equals the live one.
    const cli = await runCli(svc, ['rebuild', '--all']);
    expect(cli.code, cli.stderr + cli.stdout).to.equal(0);
    for (const name of names) expect(cli.stdout, name).to.include(`${name}: up to position`);
    expect(cli.stdout.match(/equal to the live build, swapped in/g) ?? []).to.have.length(names.length);
  });

  it('without a checkpoint key, signs none and checks none', async () => {
    const refused = await svc.api.post('/audit/checkpoints/', {}, { token: staff.access });
    expect(refused.status).to.equal(503);
    expect(refused.body.code).to.equal('checkpoints_unavailable');
    expectConforms('POST', '/audit/checkpoints', refused);
    expectConforms('GET', '/audit/checkpoints/public-key', await get('/audit/checkpoints/public-key/'));
    expect((await get('/audit/checkpoints/')).body).to.deep.equal({ results: [], next_cursor: null });
    expect((await get('/audit/checkpoints/public-key/')).body).to.deep.equal({ signing_key: null, trusted_keys: [] });
    expect((await get('/audit/checkpoints/latest/')).status).to.equal(404);
  });

  it('verifies the chains, then finds an edited and a deleted event (HTTP and CLI)', async () => {
    const clean = await get('/audit/verify/');
    expect(clean.body).to.include({ ok: true, break_count: 0, scope: 'all', checkpoint: null });
    expect(clean.body.events_checked).to.be.greaterThan(10);
    const stream = (await get(`/audit/streams/account-${account}/`)).body.results as AuditEvent[];
    const userStream = `user-${(await svc.api.get('/auth/users/me/', { token: alice.access })).body.id}`;
    const userEvents = (await get(`/audit/streams/${userStream}/`)).body.results as AuditEvent[];
    expect(userEvents.length).to.be.at.least(2);
    const client = new pg.Client({ connectionString: svc.databaseUrl });
    await client.connect();
    try {
      // The table refuses edits until its owner turns the guard off, as an attacker owning it could.
      const refused = await client.query(`delete from es.events where event_id = $1`, [userEvents[0]!.event_id]).catch((e: { code?: string }) => e);
      expect((refused as { code?: string }).code).to.equal('ES004');
      await client.query(`alter table es.events disable trigger user`);
      await client.query(`update es.events set data = jsonb_set(data, '{amount}', '"999000"') where event_id = $1`, [stream[2]!.event_id]);
      await client.query(`delete from es.events where event_id = $1`, [userEvents[0]!.event_id]);
    } finally {
      await client.end();
    }
    const report = await get('/audit/verify/');
    expect(report.body.ok).to.equal(false);
    const found = report.body.breaks.map((b: { stream_id: string; revision: string; kind: string }) => `${b.stream_id}@${b.revision}:${b.kind}`);
    expect(found).to.have.members([
      `account-${account}@2:hash_mismatch`,
      `${userStream}@1:revision_gap`,
      `${userStream}@1:prev_hash_mismatch`,
    ]);
    const one = await get(`/audit/verify/?stream_id=account-${account}`);
    expect(one.body).to.include({ scope: 'stream', ok: false, break_count: 1, events_checked: 4 });
    const cli = await runCli(svc, ['verify']);
    expect(cli.code).to.equal(1);
    expect(cli.stdout).to.match(new RegExp(`BREAK hash_mismatch account-${account}@2`));
    expect(cli.stdout).to.match(/FAILED: 3 breaks/);
  });
});
