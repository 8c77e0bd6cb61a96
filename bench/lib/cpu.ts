import { readFileSync } from 'node:fs';
import pg from 'pg';

/**
 * CPU time spent on a workload, from both ends: this Node process
 * (process.cpuUsage) and the PostgreSQL backends serving the bench's database
 * (/proc/<pid>/stat, Linux only). Per-operation CPU is far steadier than ops/s
 * on a shared, busy machine, so it backs comparisons between variants.
 */

const CLOCK_TICKS = 100; // USER_HZ on Linux

export function procCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at ") ".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

export interface CpuSnapshot {
  nodeSeconds: number;
  /** pid -> CPU seconds of each watched process (a service under test). */
  processes: Map<number, number>;
  /** pid -> CPU seconds of each backend of the database. */
  backends: Map<number, number>;
}

export interface CpuDelta {
  nodeSeconds: number;
  /** CPU of the watched processes; 0 when none were given. */
  processSeconds: number;
  /** pid -> CPU seconds of each watched process. */
  byProcess: Map<number, number>;
  pgSeconds: number;
  /** false when /proc was unreadable (not Linux, or a remote server). */
  pgMeasured: boolean;
}

/** Takes CPU snapshots of this process and of the server backends on `database`. */
export class CpuMeter {
  private constructor(private readonly client: pg.Client, private readonly database: string) {}

  static async open(url: string): Promise<CpuMeter> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const db = new URL(url).pathname.slice(1);
    return new CpuMeter(client, decodeURIComponent(db));
  }

  /** `pids`: other processes to account for, e.g. the service a bench drives over HTTP. */
  async snapshot(pids: readonly number[] = []): Promise<CpuSnapshot> {
    const { rows } = await this.client.query<{ pid: number }>(
      `select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`,
      [this.database],
    );
    const backends = new Map<number, number>();
    for (const { pid } of rows) {
      const s = procCpuSeconds(pid);
      if (s !== undefined) backends.set(pid, s);
    }
    const processes = new Map<number, number>();
    for (const pid of pids) {
      const s = procCpuSeconds(pid);
      if (s !== undefined) processes.set(pid, s);
    }
    const u = process.cpuUsage();
    return { nodeSeconds: (u.user + u.system) / 1e6, processes, backends };
  }

  /** Backends that appeared after `from` count from zero (their connection set-up included). */
  static delta(from: CpuSnapshot, to: CpuSnapshot): CpuDelta {
    let pgSeconds = 0;
    for (const [pid, s] of to.backends) pgSeconds += s - (from.backends.get(pid) ?? 0);
    let processSeconds = 0;
    const byProcess = new Map<number, number>();
    for (const [pid, s] of to.processes) {
      const used = s - (from.processes.get(pid) ?? s);
      byProcess.set(pid, used);
      processSeconds += used;
    }
    return { nodeSeconds: to.nodeSeconds - from.nodeSeconds, processSeconds, byProcess, pgSeconds, pgMeasured: to.backends.size > 0 };
  }

  /**
   * Hooks for runClosedLoop's measured window: CPU from its start to its end
   * (`delta()` is undefined until both snapshots were taken).
   */
  window(pids: () => readonly number[] = () => []): { onWindowStart(): Promise<void>; onWindowEnd(): Promise<void>; delta(): CpuDelta | undefined } {
    let from: CpuSnapshot | undefined;
    let delta: CpuDelta | undefined;
    return {
      onWindowStart: async () => {
        from = await this.snapshot(pids());
      },
      onWindowEnd: async () => {
        const to = await this.snapshot(pids());
        if (from) delta = CpuMeter.delta(from, to);
      },
      delta: () => delta,
    };
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
