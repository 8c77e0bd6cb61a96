/**
 * Fault injection for the fault suite and the soak run: kill -9 of the API and
 * of the projector, SIGSTOP/SIGCONT pauses, and one PostgreSQL restart in
 * immediate mode, at seeded random moments while the workload runs.
 */
import pg from 'pg';
import type { Cluster } from '../../tests/helpers/processes.js';
import type { FaultRecord, Rng, Workload } from './workload.js';

export type FaultKind = FaultRecord['kind'];

export interface PlannedFault {
  kind: FaultKind;
  atMs: number;
  /** Pauses: how long the process stays stopped. PostgreSQL: how long it stays down. */
  holdMs: number;
}

export interface FaultCounts {
  apiKills: number;
  projectorKills: number;
  apiPauses: number;
  projectorPauses: number;
  pgRestarts: number;
}

/**
 * Spreads the faults over [fromMs, toMs): one slot each, in a seeded random
 * order, at a seeded random moment inside its slot.
 */
export function planFaults(rng: Rng, counts: FaultCounts, fromMs: number, toMs: number): PlannedFault[] {
  const kinds: FaultKind[] = [
    ...Array<FaultKind>(counts.apiKills).fill('api-kill'),
    ...Array<FaultKind>(counts.projectorKills).fill('projector-kill'),
    ...Array<FaultKind>(counts.apiPauses).fill('api-pause'),
    ...Array<FaultKind>(counts.projectorPauses).fill('projector-pause'),
    ...Array<FaultKind>(counts.pgRestarts).fill('pg-restart'),
  ];
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  const slot = (toMs - fromMs) / Math.max(1, kinds.length);
  return kinds.map((kind, i) => ({
    kind,
    atMs: Math.round(fromMs + i * slot + rng.next() * slot * 0.6),
    holdMs: kind === 'pg-restart' ? 1000 : kind.endsWith('pause') ? 1500 + rng.int(1500) : 0,
  }));
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function lowestCheckpointAndHead(url: string): Promise<{ low: bigint; head: bigint }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ low: string | null; head: string | null }>(
      `select (select min(position) from rm_meta.checkpoints)::text as low, (select max(position) from es.events)::text as head`,
    );
    return { low: BigInt(rows[0]?.low ?? '0'), head: BigInt(rows[0]?.head ?? '0') };
  } finally {
    await c.end();
  }
}

/** Waits until every read model has applied `target`; returns the milliseconds it took (or undefined after `timeoutMs`). */
export async function waitForReadModels(url: string, target: bigint, timeoutMs: number): Promise<number | undefined> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    const { low } = await lowestCheckpointAndHead(url).catch(() => ({ low: -1n, head: 0n }));
    if (low >= target) return Date.now() - t0;
    await sleep(100);
  }
  return undefined;
}

/** The head position of the store (every appended event, committed or not yet visible). */
export async function headPosition(url: string): Promise<bigint> {
  return (await lowestCheckpointAndHead(url)).head;
}

/**
 * Runs the planned faults in order, each at its time (or at once if the one
 * before took longer), recording when it happened and how long recovery took.
 * Recovery after the load can be filled in later with `fillRecovery`.
 */
export async function injectFaults(cluster: Cluster, w: Workload, plan: readonly PlannedFault[], log: (line: string) => void): Promise<void> {
  for (const f of plan) {
    const wait = f.atMs - w.now();
    if (wait > 0) await sleep(wait);
    const rec: FaultRecord = { kind: f.kind, atMs: Math.round(w.now()) };
    w.faults.push(rec);
    const t0 = Date.now();
    switch (f.kind) {
      case 'api-kill':
        await cluster.apiProcess.kill();
        await cluster.apiProcess.start();
        rec.restartMs = Date.now() - t0;
        break;
      case 'projector-kill': {
        await cluster.projector.kill();
        await cluster.projector.start();
        rec.restartMs = Date.now() - t0;
        const target = await headPosition(cluster.databaseUrl);
        const took = await waitForReadModels(cluster.databaseUrl, target, 60_000);
        rec.catchUpMs = took;
        if (took === undefined) rec.note = 'read models did not catch up within 60 s';
        break;
      }
      case 'api-pause':
      case 'projector-pause': {
        const p = f.kind === 'api-pause' ? cluster.apiProcess : cluster.projector;
        await p.pause();
        await sleep(f.holdMs);
        p.resume();
        rec.restartMs = Date.now() - t0;
        rec.note = `stopped ${f.holdMs} ms`;
        break;
      }
      case 'pg-restart': {
        const { downMs } = await cluster.postgres.restart(f.holdMs);
        rec.restartMs = downMs;
        rec.note = `down ${f.holdMs} ms (immediate)`;
        break;
      }
    }
    log(`  fault ${rec.kind} at ${(rec.atMs / 1000).toFixed(1)} s: back after ${rec.restartMs} ms${rec.catchUpMs !== undefined ? `, read models caught up in ${rec.catchUpMs} ms` : ''}`);
  }
}

/**
 * Fills each fault's recovery time: from the fault to the first command
 * acknowledged after the process (or PostgreSQL) was back.
 */
export function fillRecovery(w: Workload): void {
  for (const f of w.faults) {
    const back = f.atMs + (f.restartMs ?? 0);
    const after = w.firstAckAfter(back);
    f.recoveryMs = after === undefined ? undefined : Math.round(back + after - f.atMs);
  }
}
