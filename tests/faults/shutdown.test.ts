/**
 * Shutdown and outages with real processes: the API (compiled, separate
 * projector) on a PostgreSQL server of the suite's own. SIGTERM during a burst
 * of concurrent transfers, once with the default grace (requests in flight
 * finish) and once with none (they are answered 503 and their idempotency
 * claims released); a PostgreSQL restart in immediate mode during a burst; and
 * a start against a database nobody listens on. Every answer is 2xx, 4xx or
 * 503 (never 500), every 201 is in es.events, every unanswered or 503 key
 * retried gives exactly one effect, and money is conserved.
 */
import { spawn } from 'node:child_process';
import { expect } from 'chai';
import pg from 'pg';
import { PROJECTOR_ENTRY, SERVICE_ENTRY } from '../helpers/build.js';
import { fingerprint } from '../../src/commands/shared/idempotency.js';
import { problemBody } from '../../src/http/problem.js';
import { contractErrors, expectConforms } from '../helpers/contract.js';
import { startCluster, type Cluster } from '../helpers/processes.js';
import { E2E_KEYS, freePort } from '../helpers/service.js';
import { createStaff, login, registerUser } from '../helpers/users.js';

const log = (line: string) => console.log(`      ${line}`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const ACCOUNTS = 12;
const FUNDED = 1000n;

/** One transfer as the client saw it: its answer, or why there was none. */
interface Sent {
  key: string;
  body: { sender_account: string; receiver_account: string; amount: string };
  status?: number;
  code?: string;
  /** No answer: the connection was refused or closed before a response. */
  error?: string;
  transferId?: string;
  position?: string;
}

describe('faults: SIGTERM and a PostgreSQL restart lose no acknowledged command and answer no 500', function () {
  this.timeout(300_000);
  let cluster: Cluster;
  let token: string;
  let accounts: string[];
  /** A pool, so the suite's own connections survive the PostgreSQL restart. */
  let db: pg.Pool;
  let keySeq = 0;
  let lastPosition = '0';

  before(async () => {
    cluster = await startCluster({ logDir: process.env.FAULTS_LOG_DIR, env: { SHUTDOWN_GRACE_SECONDS: '10' } });
    db = new pg.Pool({ connectionString: cluster.databaseUrl, max: 2 });
    db.on('error', () => undefined);
    const staff = await createStaff(cluster, 'staff@example.com');
    await registerUser(cluster, 'alice@example.com');
    token = (await login(cluster, 'alice@example.com')).access;
    accounts = [];
    for (let i = 0; i < ACCOUNTS; i++) {
      const opened = await cluster.api.post('/accounts/', { currency: 'USD', type: 'USD' }, { token });
      expect(opened.status, JSON.stringify(opened.body)).to.equal(201);
      const number = opened.body.account_number as string;
      const funded = await cluster.api.post(`/admin/accounts/${number}/deposit/`, { amount: `${FUNDED}.00` }, { token: staff.access });
      expect(funded.status, JSON.stringify(funded.body)).to.equal(201);
      accounts.push(number);
    }
  });
  after(async () => {
    await db?.end().catch(() => undefined);
    await cluster?.stop();
  });

  const newTransfer = (): Sent => {
    const n = keySeq++;
    return {
      key: `drain-${n}`,
      body: { sender_account: accounts[n % ACCOUNTS]!, receiver_account: accounts[(n * 7 + 1) % ACCOUNTS]!, amount: '1.00' },
    };
  };

  /** Sends (or re-sends) a transfer; records the answer or the failure to get one. */
  async function send(t: Sent): Promise<Sent> {
    t.status = t.code = t.error = undefined;
    let answer: { res: Response; body: Record<string, any> } | undefined;
    try {
      const res = await fetch(`${cluster.baseUrl}/transfers/internal`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': t.key },
        body: JSON.stringify(t.body),
      });
      answer = { res, body: (await res.json()) as Record<string, any> };
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      t.error = cause?.code ?? cause?.message ?? String(error);
      return t;
    }
    const { res, body } = answer;
    t.status = res.status;
    t.code = body.code as string | undefined;
    if (res.status === 201) {
      t.transferId = body.transfer.id as string;
      t.position = body.position as string;
      if (BigInt(t.position) > BigInt(lastPosition)) lastPosition = t.position;
    }
    // What the contract promises for the answers of an outage and a busy key: documented, with Retry-After.
    if (res.status >= 500 || res.status === 409) expectConforms('POST', '/transfers/internal', { status: res.status, headers: res.headers, body });
    if (res.status === 503 || t.code === 'idempotency_in_progress') expect(res.headers.get('retry-after'), `${t.key} ${t.code}`).to.match(/^[1-9]\d*$/);
    return t;
  }

  /** `clients` loops, each sending transfers one after another until `untilMs` passes or it gets no answer or a 503 from a stopping process. */
  async function burst(clients: number, untilMs: number, stopOnRefusal: boolean, onAnswer: (t: Sent) => unknown = () => undefined): Promise<Sent[]> {
    const all: Sent[] = [];
    const deadline = Date.now() + untilMs;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (Date.now() < deadline) {
          const t = await send(newTransfer());
          all.push(t);
          onAnswer(t);
          if (stopOnRefusal && (t.error !== undefined || t.status === 503)) return;
          if (t.status === 503) await sleep(200);
        }
      }),
    );
    return all;
  }

  const tally = (sent: Sent[]) => {
    const counts = new Map<string, number>();
    for (const t of sent) {
      const label = t.error !== undefined ? `no answer (${t.error})` : t.status === 201 ? '201' : `${t.status} ${t.code}`;
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    return [...counts].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${v} x ${k}`).join(', ');
  };

  const debitsOf = async (transferIds: string[]): Promise<Map<string, number>> => {
    const { rows } = await db.query<{ id: string; n: number }>(
      `select data->>'transfer_id' as id, count(*)::int as n from es.events where type = 'AccountDebited' and data->>'transfer_id' = any($1) group by 1`,
      [transferIds],
    );
    return new Map(rows.map((r) => [r.id, r.n]));
  };

  /** Retries every key that has no 201 until it has one; a key another request still holds (409) or a lost race (503) is retried after Retry-After. */
  async function retryUnanswered(sent: Sent[]): Promise<{ retried: number; extraRounds: number; inProgress: number; ms: number }> {
    const started = Date.now();
    const open = sent.filter((t) => t.status !== 201);
    let pending = open;
    let rounds = 0;
    let inProgress = 0;
    while (pending.length > 0) {
      expect(rounds, `still unanswered after ${rounds} rounds: ${tally(pending)}`).to.be.lessThan(15);
      if (rounds > 0) await sleep(1000);
      await Promise.all(pending.map(send));
      for (const t of pending) {
        expect(t.status, `${t.key}: ${t.error ?? t.code}`).to.be.oneOf([201, 409, 503]);
        if (t.status === 409) inProgress++;
      }
      pending = pending.filter((t) => t.status !== 201);
      rounds++;
    }
    return { retried: open.length, extraRounds: Math.max(0, rounds - 1), inProgress, ms: Date.now() - started };
  }

  /** Every key has exactly one debit in the store, and the read models show the money where it was: nothing lost or made. */
  async function expectOneEffectEachAndMoneyConserved(sent: Sent[]): Promise<void> {
    const ids = sent.map((t) => t.transferId!);
    expect(new Set(ids).size, 'distinct transfers').to.equal(sent.length);
    const debits = await debitsOf(ids);
    expect(ids.filter((id) => debits.get(id) !== 1), 'transfers without exactly one debit').to.deep.equal([]);
    let total = 0n;
    for (const account of accounts) {
      const res = await cluster.api.get(`/accounts/${account}?min_position=${lastPosition}`, { token });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      total += BigInt((res.body.balance as string).replace('.', ''));
    }
    expect(total, 'sum of the balances (cents)').to.equal(FUNDED * 100n * BigInt(ACCOUNTS));
  }

  for (const round of [
    { grace: '10', label: 'the default grace: requests in flight finish, new ones are refused' },
    { grace: '0', label: 'no grace: requests in flight are answered 503 and their idempotency claims released' },
  ]) {
    it(`SIGTERM during a burst of 60 concurrent transfers (${round.label}): exit 0, no 500, every 201 stored, every other key retried once to one effect`, async () => {
      if (cluster.apiProcess.running) await cluster.apiProcess.stop();
      await cluster.apiProcess.start({ SHUTDOWN_GRACE_SECONDS: round.grace, LOG_LEVEL: 'info' });
      // Compile the contract's validators now: compiling them on the first 503 would stall this process mid-burst.
      expect(contractErrors('POST', '/transfers/internal', { status: 503, headers: { 'content-type': 'application/problem+json', 'retry-after': '2' }, body: problemBody(503, 'service_unavailable', 'd') })).to.deep.equal([]);
      expect(contractErrors('POST', '/transfers/internal', { status: 409, headers: { 'content-type': 'application/problem+json', 'retry-after': '1' }, body: problemBody(409, 'idempotency_in_progress', 'd') })).to.deep.equal([]);
      let acknowledgedSoFar = 0;
      const load = burst(60, 6_000, true, (t) => t.status === 201 && acknowledgedSoFar++);
      // SIGTERM once the first transfer is acknowledged: the others are in flight, most past their idempotency claim.
      for (let waited = 0; acknowledgedSoFar === 0 && waited < 10_000; waited += 10) await sleep(10);
      const t0 = Date.now();
      const exit = await cluster.apiProcess.stop(30_000);
      const stopMs = Date.now() - t0;
      const sent = await load;
      const stopped = /"msg":"stopped"/.exec(cluster.apiProcess.output()) ? JSON.parse(cluster.apiProcess.output().split('\n').filter((l) => l.includes('"msg":"stopped"')).pop()!) : {};
      log(`grace ${round.grace} s: ${sent.length} sent, stopped in ${stopMs} ms with ${JSON.stringify(exit)}: ${tally(sent)}`);
      log(`the API says: ${stopped.inFlight} in flight at SIGTERM, ${stopped.cutOff} cut off, ${stopped.refused} refused, ${stopped.released_claims} claims released`);
      expect(exit, cluster.apiProcess.output().slice(-3000)).to.deep.equal({ code: 0, signal: null });
      expect(sent.filter((t) => t.status !== undefined && t.status >= 500 && t.status !== 503), 'answers 5xx other than 503').to.deep.equal([]);
      for (const t of sent.filter((s) => s.status !== undefined)) expect(t.status! < 500 || (t.status === 503 && !!t.code)).to.equal(true);
      const acknowledged = sent.filter((t) => t.status === 201);
      // With the grace, what was in flight finished; without, it was cut off.
      // (Cut-off requests usually finish within the second their 503 gets to reach the client, so few
      // claims are left to release; tests/commands/idempotency-claims.test.ts covers the release itself.)
      if (round.grace === '0') expect(stopped.cutOff, 'requests cut off by the stop').to.be.greaterThan(0);
      else expect(acknowledged.length, 'transfers acknowledged during the drain').to.be.greaterThan(0);
      // Every acknowledged transfer is in the store before anyone retries anything.
      const debits = await debitsOf(acknowledged.map((t) => t.transferId!));
      expect(acknowledged.filter((t) => debits.get(t.transferId!) !== 1).map((t) => t.key), 'acknowledged but not stored once').to.deep.equal([]);

      await cluster.apiProcess.start();
      const retry = await retryUnanswered(sent);
      log(`retried ${retry.retried} keys against the restarted API in ${retry.ms} ms: ${retry.inProgress} x 409 in progress, ${retry.extraRounds} extra rounds`);
      expect(retry.inProgress, 'keys still held by the stopped process').to.equal(0);
      // Every acknowledged answer is replayed as it was.
      const replays = await Promise.all(acknowledged.slice(0, 10).map(async (t) => ({ id: t.transferId, again: (await send({ ...t })).transferId })));
      for (const r of replays) expect(r.again).to.equal(r.id);
      await expectOneEffectEachAndMoneyConserved(sent);
    });
  }

  it('a key held by a killed process is 409 idempotency_in_progress with Retry-After until its lease runs out, then proceeds', async () => {
    if (!cluster.apiProcess.running) await cluster.apiProcess.start();
    const t = newTransfer();
    const me = await cluster.api.get('/auth/users/me/', { token });
    // The claim a process killed mid-request leaves behind, with the request's own fingerprint.
    const print = fingerprint({ method: 'POST', path: '/transfers/internal', body: t.body });
    await db.query(
      `insert into cmd.idempotency_keys (user_id, scope, key, fingerprint, state, lease_until) values ($1, 'transfers.internal', $2, $3, 'in_flight', now() + interval '15 seconds')`,
      [me.body.id, t.key, print],
    );
    await send(t);
    expect([t.status, t.code]).to.deep.equal([409, 'idempotency_in_progress']);
    await db.query(`update cmd.idempotency_keys set lease_until = now() - interval '1 second' where key = $1`, [t.key]);
    await send(t);
    expect(t.status, t.code).to.equal(201);
  });

  it('PostgreSQL restarted during a burst: only 2xx/4xx/503, 201s again without restarting the API, money conserved', async () => {
    if (!cluster.apiProcess.running) await cluster.apiProcess.start();
    const load = burst(30, 6_000, false);
    await sleep(1_000);
    const { downMs } = await cluster.postgres.restart(1_500);
    const sent = await load;
    log(`PostgreSQL restarted (stopped, 1.5 s down, started, answering) in ${downMs} ms during ${sent.length} transfers: ${tally(sent)}`);
    expect(sent.filter((t) => t.error !== undefined).map((t) => `${t.key}: ${t.error}`), 'requests without an answer').to.deep.equal([]);
    expect(sent.filter((t) => t.status! >= 500 && t.status !== 503).map((t) => `${t.key}: ${t.status} ${t.code}`), 'answers 5xx other than 503').to.deep.equal([]);
    expect(sent.filter((t) => t.code === 'service_unavailable').length, 'the burst met the outage').to.be.greaterThan(0);
    // The same process serves again once the server is back.
    const deadline = Date.now() + 30_000;
    let after = await send(newTransfer());
    while (after.status !== 201 && Date.now() < deadline) {
      await sleep(500);
      after = await send(after);
    }
    expect(after.status, `${after.code ?? after.error}`).to.equal(201);
    expect(cluster.apiProcess.unexpectedExits, 'the API crashed').to.deep.equal([]);
    expect(cluster.projector.unexpectedExits, 'the projector crashed').to.deep.equal([]);
    const retry = await retryUnanswered(sent);
    log(`retried ${retry.retried} keys after the restart in ${retry.ms} ms: ${retry.inProgress} x 409 in progress, ${retry.extraRounds} extra rounds`);
    await expectOneEffectEachAndMoneyConserved([...sent, after]);
  });

  for (const [name, entry] of [
    ['the API', SERVICE_ENTRY],
    ['the projector', PROJECTOR_ENTRY],
  ] as const) {
    it(`${name} started with the database unreachable: one clear line per attempt, no stack, exit 1 after the bounded wait`, async () => {
      const url = `postgres://nexus:hunter2-secret@127.0.0.1:${await freePort()}/ledger`;
      const started = Date.now();
      const child = spawn(process.execPath, [entry], {
        env: { ...process.env, ...E2E_KEYS, NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: url, EVENTSTORE_URL: '', EMAIL_MODE: 'drop', PROJECTOR_IN_PROCESS: 'true', DATABASE_CONNECT_TIMEOUT_SECONDS: '2' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      let firstLineAt: number | undefined;
      const collect = (d: Buffer) => {
        firstLineAt ??= Date.now();
        output += d.toString();
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      // Loading the modules takes a while on a busy machine; the bounded wait is from the first attempt on.
      const ms = Date.now() - (firstLineAt ?? started);
      const lines = output.trim().split('\n');
      log(`${name}: exit ${code} after ${ms} ms; last line: ${lines[lines.length - 1]}`);
      expect(code, output).to.equal(1);
      expect(ms, 'bounded wait after the first attempt').to.be.within(1_500, 8_000);
      expect(lines.length, output).to.be.within(2, 5);
      for (const line of lines) expect(line, output).to.match(/^database 127\.0\.0\.1:\d+\/ledger unreachable \(ECONNREFUSED\)/);
      expect(lines[lines.length - 1]).to.match(/giving up$/);
      expect(output).not.to.match(/\n\s+at |hunter2|nexus:/);
    });
  }
});
