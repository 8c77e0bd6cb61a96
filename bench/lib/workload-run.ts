/**
 * One fault run, shared by the CI tier (tests/faults) and the soak run
 * (bench/soak.ts): set up customers through the API, run the seeded workload
 * while faults are injected, drain the unknown commands, wait for the read
 * models, then check every invariant and print the figures.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { Cluster } from '../../tests/helpers/processes.js';
import { checkLedger, checkReplays, formatChecks, type Check, type LedgerReport } from './workload-checks.js';
import { fillRecovery, headPosition, injectFaults, planFaults, waitForReadModels, type FaultCounts } from './workload-faults.js';
import { Workload } from './workload.js';

export interface ScenarioOptions {
  seed: number;
  accounts: number;
  clients: number;
  loadMs: number;
  /** Longest time spent retrying unknown commands after the load (an API crash leaves 30 s idempotency leases). */
  drainMs: number;
  faults: FaultCounts;
  /** Faults land in this part of the load (fractions of loadMs). */
  faultWindow: [number, number];
  rebuild: boolean;
  replaySample: number;
  log: (line: string) => void;
}

export interface ScenarioResult {
  workload: Workload;
  report: LedgerReport;
  replays: Check;
  survived: Check;
  violations: number;
  lines: string[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits until the store's head stops moving (the settlement process is done) and every read model has it. */
export async function settle(url: string, graceMs: number, timeoutMs: number): Promise<bigint> {
  const deadline = Date.now() + timeoutMs;
  let head = await headPosition(url);
  for (;;) {
    await sleep(graceMs);
    const caught = await waitForReadModels(url, head, Math.max(1000, deadline - Date.now()));
    const now = await headPosition(url);
    if (caught !== undefined && now === head) return head;
    if (Date.now() > deadline) throw new Error(`the store did not settle: head ${now}, read models behind`);
    head = now;
  }
}

/** Waits until every hold in the store has ended (posted or voided), or `timeoutMs` passes; returns how many are still open. */
export async function holdsEnded(url: string, timeoutMs: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await client.query<{ open: string }>(`
        select count(*)::text as open from es.events h
         where h.type = 'FundsHeld'
           and not exists (select 1 from es.events e
                            where e.stream_id = h.stream_id and e.data->>'transfer_id' = h.data->>'transfer_id'
                              and (e.type = 'HoldReleased' or (e.type = 'AccountDebited' and (e.data->>'from_reservation')::boolean)))`);
      const open = Number(rows[0]!.open);
      if (open === 0 || Date.now() > deadline) return open;
      await sleep(500);
    }
  } finally {
    await client.end();
  }
}

export async function runScenario(cluster: Cluster, o: ScenarioOptions): Promise<ScenarioResult> {
  const log = o.log;
  const w = new Workload(cluster, { seed: o.seed, accounts: o.accounts, clients: o.clients, openingDeposit: 800, requestTimeoutMs: 15_000, log });
  cluster.apiProcess.supervise = true;
  cluster.projector.supervise = true;
  const s0 = Date.now();
  await w.setup();
  await w.openingDeposits();
  log(`  setup: ${w.customers.length} customers, ${w.accounts.length} accounts, opening deposits acknowledged, ${Date.now() - s0} ms`);

  const plan = planFaults(w.rng, o.faults, o.loadMs * o.faultWindow[0], o.loadMs * o.faultWindow[1]);
  log(`  plan: ${plan.map((f) => `${f.kind}@${(f.atMs / 1000).toFixed(1)}s`).join(', ')}`);
  w.acks.length = 0;
  w.t0 = performance.now();
  const [ran] = await Promise.all([w.run(o.loadMs, o.drainMs), injectFaults(cluster, w, plan, log)]);
  fillRecovery(w);
  log(`  load ${(ran.loadEndMs / 1000).toFixed(1)} s, then retries for ${(ran.drainedMs / 1000).toFixed(1)} s; ${ran.unresolved} commands still unknown`);

  const s1 = Date.now();
  // Held transfers left to expire end by the expiry process (codes last TRANSFER_CODE_TTL_SECONDS in the cluster).
  const open = await holdsEnded(cluster.databaseUrl, 60_000);
  log(`  holds: ${open} still open ${Date.now() - s1} ms after the drain`);
  const head = await settle(cluster.databaseUrl, 2500, 120_000);
  log(`  settled at position ${head} in ${Date.now() - s1} ms; ${cluster.settledByProcessManager()} transfers finished by the settlement process`);

  const replays = await checkReplays(w, o.replaySample);
  const exits = [...cluster.apiProcess.unexpectedExits, ...cluster.projector.unexpectedExits];
  const survived: Check = { name: 'no process exited by itself (the supervisor restarted it)', violations: exits.map((x) => x.slice(0, 1500)), detail: `api started ${cluster.apiProcess.starts}×, projector ${cluster.projector.starts}×` };
  const report = await checkLedger(cluster.databaseUrl, w, { rebuild: o.rebuild, log });

  // Figures.
  const lines: string[] = [];
  const cmds = w.commands;
  const count = (f: (c: (typeof cmds)[number]) => boolean) => cmds.filter(f).length;
  const byKind = (['deposit', 'internal', 'external', 'bill', 'held', 'confirm'] as const).map((k) => `${k} ${count((c) => c.kind === k && c.state === 'acked')}`).join(', ');
  const crashes = w.faults.filter((f) => f.kind === 'api-kill' || f.kind === 'projector-kill' || f.kind === 'pg-restart').length;
  const firstFault = w.faults[0]?.atMs ?? ran.loadEndMs;
  const lastBack = Math.max(0, ...w.faults.map((f) => f.atMs + (f.recoveryMs ?? f.restartMs ?? 0)));
  const before = w.throughput(1000, firstFault);
  const after = w.throughput(lastBack, ran.loadEndMs);
  lines.push(`seed ${o.seed} (SEED=${o.seed} reproduces the choices), ${o.clients} clients, ${w.accounts.length} accounts, load ${(o.loadMs / 1000).toFixed(0)} s`);
  lines.push(`commands sent ${cmds.length}: acknowledged ${count((c) => c.state === 'acked')} (${byKind}), refused ${count((c) => c.state === 'refused')}, unknown at some attempt ${count((c) => c.everUnknown)}, still unknown ${count((c) => c.state === 'unknown')}`);
  lines.push(`refusals: ${[...w.refusals.entries()].map(([k, n]) => `${k} ×${n}`).join(', ') || 'none'}; 409 in-progress answers to retries: ${cmds.reduce((n, c) => n + c.inProgress, 0)}`);
  lines.push(`attempts without an answer or with a 5xx: ${[...w.unanswered.entries()].map(([k, n]) => `${k} ×${n}`).join(', ') || 'none'}`);
  lines.push(`crashes survived ${crashes} (API kill -9 ×${count2(w, 'api-kill')}, projector kill -9 ×${count2(w, 'projector-kill')}, PostgreSQL immediate restart ×${count2(w, 'pg-restart')}), pauses ${count2(w, 'api-pause') + count2(w, 'projector-pause')}`);
  for (const f of w.faults) {
    lines.push(`  ${f.kind.padEnd(15)} at ${(f.atMs / 1000).toFixed(1).padStart(5)} s: back in ${f.restartMs} ms, first acknowledgement after ${f.recoveryMs ?? '—'} ms${f.catchUpMs !== undefined ? `, read models caught up ${f.catchUpMs} ms after restart` : ''}${f.note ? ` (${f.note})` : ''}`);
  }
  lines.push(`throughput: before the first fault ${before.toFixed(1)} acks/s, after the last recovery ${Number.isNaN(after) ? 'n/a (no time left)' : after.toFixed(1)} acks/s${Number.isNaN(after) ? '' : ` (ratio ${(after / before).toFixed(2)})`}`);
  lines.push(`acks per second: ${w.timeline(0, ran.loadEndMs)}`);
  for (const [k, v] of Object.entries(report.figures)) lines.push(`${k}: ${v}`);
  lines.push(...formatChecks([...report.checks, replays, survived]));
  const violations = report.violations + replays.violations.length + survived.violations.length;
  lines.push(`invariant violations: ${violations}`);
  return { workload: w, report, replays, survived, violations, lines };
}

function count2(w: Workload, kind: string): number {
  return w.faults.filter((f) => f.kind === kind).length;
}
