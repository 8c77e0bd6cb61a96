/**
 * Fault suite, CI tier: the API and a separate projector as real processes on
 * real PostgreSQL, a seeded random workload at 32 clients over 60 accounts,
 * two kill -9 of the API, one of the projector, a pause of each, and one
 * PostgreSQL restart in immediate mode; then every money invariant (see
 * bench/lib/workload-checks.ts). SEED=<n> replays the workload's choices.
 * The long tier is `npx tsx bench/soak.ts`.
 */
import { expect } from 'chai';
import pg from 'pg';
import { checkLedger } from '../../bench/lib/workload-checks.js';
import { effectIdOf } from '../../bench/lib/workload.js';
import { runScenario, settle, type ScenarioResult } from '../../bench/lib/workload-run.js';
import { startCluster, type Cluster } from '../helpers/processes.js';

const SEED = Number(process.env.SEED ?? Date.now() % 1_000_000);
const log = (line: string) => console.log(`      ${line}`);

describe('faults: money conserved through crashes, pauses and a PostgreSQL restart', function () {
  this.timeout(420_000);
  let cluster: Cluster;
  let result: ScenarioResult | undefined;

  before(async () => {
    // Short codes, so that held transfers left unconfirmed expire (and release their money) within the run.
    cluster = await startCluster({ logDir: process.env.FAULTS_LOG_DIR, env: { TRANSFER_CODE_TTL_SECONDS: '8' } });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('a seeded workload at 32 clients through kill -9s, SIGSTOPs and a PostgreSQL restart breaks no invariant', async () => {
    log(`SEED=${SEED}`);
    result = await runScenario(cluster, {
      seed: SEED,
      accounts: 60,
      clients: 32,
      loadMs: Number(process.env.FAULTS_LOAD_MS ?? 26_000),
      drainMs: 60_000,
      faults: { apiKills: 2, projectorKills: 1, apiPauses: 1, projectorPauses: 1, pgRestarts: 1 },
      faultWindow: [0.12, 0.62],
      rebuild: true,
      replaySample: 40,
      log,
    });
    for (const line of result.lines) log(line);
    const w = result.workload;
    // The run must really have been a fault run with real work in it.
    expect(w.faults.map((f) => f.kind).sort()).to.deep.equal(['api-kill', 'api-kill', 'api-pause', 'pg-restart', 'projector-kill', 'projector-pause']);
    expect(w.commands.filter((c) => c.state === 'acked').length, 'acknowledged commands').to.be.greaterThan(300);
    for (const kind of ['deposit', 'internal', 'external', 'bill', 'held', 'confirm']) {
      expect(w.commands.some((c) => c.kind === kind && c.state === 'acked'), `some ${kind} acknowledged`).to.equal(true);
    }
    expect(w.commands.filter((c) => c.everUnknown).length, 'the kills left requests without an answer').to.be.greaterThan(0);
    for (const f of w.faults) expect(f.recoveryMs, `${f.kind} at ${f.atMs} ms: an acknowledgement after it`).to.be.a('number');
    const failed = [...result.report.checks, result.replays, result.survived].filter((c) => c.violations.length > 0);
    expect(failed.map((c) => `${c.name}: ${c.violations.slice(0, 5).join(' | ')}`), cluster.output().slice(-3000)).to.deep.equal([]);
    expect(result.violations).to.equal(0);
  });

  it('the same Idempotency-Key sent 50 times at once gives one effect and identical responses', async function () {
    if (!result) this.skip();
    const w = result!.workload;
    const cases = w.oneOfEach();
    const client = new pg.Client({ connectionString: cluster.databaseUrl });
    await client.connect();
    try {
      for (const c of cases) {
        const key = `fifty-${SEED}-${c.label.replace(/ /g, '-')}`;
        const send = () => w.api.post(c.path, c.body, { token: c.token, headers: { 'idempotency-key': key, 'x-request-id': key } });
        const answers = await Promise.all(Array.from({ length: 50 }, send));
        const statuses = answers.map((a) => a.status);
        for (const a of answers) {
          if (a.status !== 201) expect([a.status, a.body.code], `${c.label}: ${JSON.stringify(a.body)}`).to.deep.equal([409, 'idempotency_in_progress']);
        }
        const created = answers.filter((a) => a.status === 201);
        expect(created.length, `${c.label}: statuses ${statuses.join(',')}`).to.be.greaterThan(0);
        // The ones turned away while the first ran get the same answer when they come back.
        const later = await Promise.all(answers.filter((a) => a.status === 409).map(send));
        const bodies = [...created, ...later].map((a) => JSON.stringify(a.body));
        for (const a of later) expect(a.status, `${c.label} retried: ${JSON.stringify(a.body)}`).to.equal(201);
        expect(new Set(bodies).size, `${c.label}: ${bodies.length} responses, distinct bodies`).to.equal(1);
        const effect = JSON.parse(bodies[0]!) as Record<string, unknown>;
        const id = effectIdOf(effect);
        const { rows } = await client.query<{ n: string }>(`select count(*)::text as n from es.events where type = 'AccountDebited' and data->>'transfer_id' = $1`, [id]);
        expect(rows[0]!.n, `${c.label}: debits of ${id}`).to.equal('1');
        // Known to the ledger checks from now on, like the workload's own commands.
        w.recordAcked({ ...c, key, ackBody: effect });
        log(`${c.label}: 50 at once -> ${created.length}×201 + ${later.length}×409 then 201, one body, one debit`);
      }
    } finally {
      await client.end();
    }
    // The whole ledger still holds, with these four added.
    await settle(cluster.databaseUrl, 2500, 60_000);
    const report = await checkLedger(cluster.databaseUrl, w, { rebuild: false, log });
    expect(report.checks.filter((c) => c.violations.length > 0).map((c) => `${c.name}: ${c.violations.slice(0, 3).join(' | ')}`)).to.deep.equal([]);
  });

  it('the checks catch a broken ledger (a deleted credit, an edited read model, a debit nobody asked for)', async function () {
    if (!result) this.skip();
    const w = result!.workload;
    const client = new pg.Client({ connectionString: cluster.databaseUrl });
    await client.connect();
    try {
      await client.query(`update rm.accounts set balance = balance + 1 where account_number = $1`, [w.accounts[0]!.number]);
      // A credit followed in its stream by a later money event (holds placed or released carry no
      // balance_after), so the balance chain breaks where it was.
      const credit = await client.query<{ event_id: string }>(
        `select e.event_id::text from es.events e where e.type = 'AccountCredited' and e.data->>'kind' = 'external'
            and exists (select 1 from es.events n where n.stream_id = e.stream_id and n.revision > e.revision
                          and n.type in ('FundsDeposited', 'AccountDebited', 'AccountCredited', 'FxPositionPosted', 'DebitReversed'))
          order by e.position desc limit 1`,
      );
      await client.query(`alter table es.events disable trigger user`).catch(() => undefined);
      await client.query(`delete from es.events where event_id = $1`, [credit.rows[0]!.event_id]);
    } finally {
      await client.end();
    }
    // And a command the clients were told succeeded whose effect is not in the store.
    w.commands.push({ ...w.commands.find((x) => x.state === 'acked')!, id: `forged-${SEED}` });
    const report = await checkLedger(cluster.databaseUrl, w, { rebuild: false, log });
    const failing = report.checks.filter((c) => c.violations.length > 0).map((c) => c.name);
    log(`deliberately broken ledger: ${report.violations} violations in ${failing.join('; ')}`);
    expect(failing).to.include.members([
      'hash chains verify',
      'each balance_after = previous + movement',
      'every debit has its credit (+fee, FX) or its reversal',
      'rm.accounts and rm.account_entries = replay from 0',
      'acknowledged once, unknown at most once, refused never',
    ]);
  });
});
