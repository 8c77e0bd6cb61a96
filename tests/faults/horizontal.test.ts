/**
 * Horizontally: three API processes (compiled build, PROJECTOR_IN_PROCESS=false)
 * and the projector in its own process, all on one PostgreSQL database, the
 * APIs behind a round-robin proxy (tests/helpers/round-robin-proxy.ts). The
 * fault suite's seeded workload runs through the proxy (no faults: what is
 * under test is several writers on the same streams: the bank's cash, fee and
 * FX accounts take a command from every process), then every money invariant
 * of bench/lib/workload-checks.ts. Then the same Idempotency-Key is sent to
 * the three processes directly and at once: one effect, one body.
 * SEED=<n> replays the workload's choices.
 */
import { expect } from 'chai';
import pg from 'pg';
import { checkLedger } from '../../bench/lib/workload-checks.js';
import { effectIdOf } from '../../bench/lib/workload.js';
import { runScenario, settle, type ScenarioResult } from '../../bench/lib/workload-run.js';
import { ApiClient, type ApiResponse } from '../helpers/http-client.js';
import { startCluster, type Cluster } from '../helpers/processes.js';

const SEED = Number(process.env.SEED ?? Date.now() % 1_000_000);
const API_PROCESSES = 3;
const log = (line: string) => console.log(`      ${line}`);

describe('horizontally: three API processes behind a round-robin proxy on one database', function () {
  this.timeout(420_000);
  let cluster: Cluster;
  let result: ScenarioResult | undefined;

  before(async () => {
    // Four processes on a server of max_connections 100: each may open 20 (the default 60 each ran out:
    // "too many clients already", answered 503).
    cluster = await startCluster({ apis: API_PROCESSES, logDir: process.env.FAULTS_LOG_DIR, env: { TRANSFER_CODE_TTL_SECONDS: '30', DATABASE_POOL_SIZE: '20' } });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('the fault workload at 32 clients through the proxy conserves money, with no 5xx', async () => {
    log(`SEED=${SEED}`);
    result = await runScenario(cluster, {
      seed: SEED,
      accounts: 60,
      clients: 32,
      loadMs: Number(process.env.FAULTS_LOAD_MS ?? 20_000),
      drainMs: 30_000,
      faults: { apiKills: 0, projectorKills: 0, apiPauses: 0, projectorPauses: 0, pgRestarts: 0 },
      faultWindow: [0, 1],
      rebuild: true,
      replaySample: 40,
      log,
    });
    for (const line of result.lines) log(line);
    log(`requests per API process through the proxy: ${cluster.proxy!.counts.join(' / ')}`);
    const w = result.workload;
    // Real work (the figure is low because the machine is shared: 2 cores, many suites at once).
    expect(w.commands.filter((c) => c.state === 'acked').length, 'acknowledged commands').to.be.greaterThan(100);
    for (const kind of ['deposit', 'internal', 'external', 'bill', 'held', 'confirm']) {
      expect(w.commands.some((c) => c.kind === kind && c.state === 'acked'), `some ${kind} acknowledged`).to.equal(true);
    }
    // Every process took its share of the load (round robin: within one request of each other).
    const counts = cluster.proxy!.counts;
    expect(Math.max(...counts) - Math.min(...counts), `requests per process ${counts.join('/')}`).to.be.at.most(API_PROCESSES);
    // No fault was injected: a lost race for a stream's revision is retried inside the service, never a 5xx
    // (a request that timed out on this busy machine is retried by the workload like any unanswered one).
    expect([...w.unanswered.entries()].filter(([label]) => label.startsWith('5')), cluster.output().slice(-3000)).to.deep.equal([]);
    const failed = [...result.report.checks, result.replays, result.survived].filter((c) => c.violations.length > 0);
    expect(failed.map((c) => `${c.name}: ${c.violations.slice(0, 5).join(' | ')}`), cluster.output().slice(-3000)).to.deep.equal([]);
    expect(result.violations).to.equal(0);
  });

  it('90 deposits from the three processes at once on one bank cash stream: all acknowledged, none a 5xx', async function () {
    if (!result) this.skip();
    const w = result!.workload;
    const direct = cluster.apiUrls.map((url) => new ApiClient(url));
    // Every deposit of a currency debits that currency's one bank cash stream: three writers race for its revision.
    const currency = w.accounts[0]!.currency;
    const targets = w.accounts.filter((a) => a.currency === currency);
    const amount = currency === 'JOD' ? '0.250' : '0.25';
    const sends = Array.from({ length: 90 }, (_, i) => ({ account: targets[i % targets.length]!, api: direct[i % direct.length]!, key: `burst-${SEED}-${i}` }));
    const deposit = (s: (typeof sends)[number]) =>
      s.api.post(`/admin/accounts/${s.account.number}/deposit`, { amount }, { token: w.staff.access, headers: { 'idempotency-key': s.key, 'x-request-id': s.key } });
    const answers = await Promise.all(sends.map(deposit));
    const statuses = answers.map((a) => (a.status === 201 ? '201' : `${a.status} ${a.body?.code ?? ''}`));
    log(`${sends.length} deposits of ${currency} at once over ${direct.length} processes: ${[...new Set(statuses)].map((x) => `${x} ×${statuses.filter((y) => y === x).length}`).join(', ')}`);
    // Known to the ledger checks (a deposit not acknowledged is retried with its key until it is, so the later checks hold either way).
    for (const [i, s] of sends.entries()) {
      let answer = answers[i]!;
      for (let attempt = 0; answer.status !== 201 && attempt < 10; attempt++) answer = await deposit(s);
      w.recordAcked({ key: s.key, kind: 'deposit', path: `/admin/accounts/${s.account.number}/deposit`, body: { amount }, token: w.staff.access, currency, ackBody: answer.body, everUnknown: answers[i]!.status !== 201 });
    }
    expect(statuses.filter((x) => x !== '201'), cluster.output().slice(-3000)).to.deep.equal([]);
  });

  it('the same Idempotency-Key sent to the three processes at once gives one effect and one response', async function () {
    if (!result) this.skip();
    const w = result!.workload;
    const direct = cluster.apiUrls.map((url) => new ApiClient(url));
    const cases = w.oneOfEach();
    const client = new pg.Client({ connectionString: cluster.databaseUrl });
    await client.connect();
    try {
      for (const c of cases) {
        const key = `horizontal-${SEED}-${c.label.replace(/ /g, '-')}`;
        const send = (api: ApiClient) => api.post(c.path, c.body, { token: c.token, headers: { 'idempotency-key': key, 'x-request-id': key } });
        // Ten to each process, all in flight together.
        const targets = Array.from({ length: 30 }, (_, i) => direct[i % direct.length]!);
        const answers = await Promise.all(targets.map(send));
        const turnedAway: ApiClient[] = [];
        answers.forEach((a, i) => {
          if (a.status === 201) return;
          expect([a.status, a.body.code], `${c.label} at ${targets[i]!.baseUrl}: ${JSON.stringify(a.body)}`).to.deep.equal([409, 'idempotency_in_progress']);
          expect(Number(a.headers.get('retry-after')), `${c.label}: 409 says when to come back`).to.be.greaterThan(0);
          turnedAway.push(targets[i]!);
        });
        const created = answers.filter((a) => a.status === 201);
        expect(created.length, `${c.label}: statuses ${answers.map((a) => a.status).join(',')}`).to.be.greaterThan(0);
        // The ones turned away come back, each to the process it asked before: the stored answer.
        const later: ApiResponse[] = await Promise.all(turnedAway.map(send));
        for (const a of later) expect(a.status, `${c.label} retried: ${JSON.stringify(a.body)}`).to.equal(201);
        const again = await Promise.all(direct.map(send));
        const bodies = [...created, ...later, ...again].map((a) => JSON.stringify(a.body));
        expect(new Set(bodies).size, `${c.label}: ${bodies.length} responses, distinct bodies`).to.equal(1);
        for (const a of again) expect(a.headers.get('idempotent-replayed'), `${c.label}: replay header`).to.equal('true');
        const effect = JSON.parse(bodies[0]!) as Record<string, unknown>;
        const id = effectIdOf(effect);
        const { rows } = await client.query<{ n: string }>(`select count(*)::text as n from es.events where type = 'AccountDebited' and data->>'transfer_id' = $1`, [id]);
        expect(rows[0]!.n, `${c.label}: debits of ${id}`).to.equal('1');
        // Known to the ledger checks from now on, like the workload's own commands.
        w.recordAcked({ ...c, key, ackBody: effect });
        log(`${c.label}: 30 at once over ${direct.length} processes -> ${created.length}×201 + ${later.length}×409 (then 201), then ${again.length} replays; one body, one debit`);
      }
    } finally {
      await client.end();
    }
    // Money still conserved, with these four added.
    await settle(cluster.databaseUrl, 2500, 60_000);
    const report = await checkLedger(cluster.databaseUrl, w, { rebuild: false, log });
    expect(report.checks.filter((c) => c.violations.length > 0).map((c) => `${c.name}: ${c.violations.slice(0, 3).join(' | ')}`)).to.deep.equal([]);
  });
});
