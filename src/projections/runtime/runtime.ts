import type { EventStore } from '../../eventstore/port.js';
import type { Db } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import { migrateServiceSchema } from '../../migrations/service/index.js';
import { insertCheckpoint, lowestCheckpoint, readCheckpoints } from './checkpoints.js';
import { LiveProjector } from './live-projector.js';
import { PositionWaiters } from './position-waiters.js';
import { checkProjection, LIVE_SCHEMA, type Projection } from './projection.js';
import { rebuildAll, type RebuildProgress } from './rebuild.js';

export interface RuntimeOptions {
  /** Run the projectors here; when false another process does and this one only reads checkpoints. */
  project: boolean;
  batchSize?: number;
  idleMs?: number;
  /** Least time between the starts of two batches that were not full (default 50 ms). */
  minGapMs?: number;
  /** How often `waitForPosition` reads the checkpoints when the projector is elsewhere. */
  checkpointPollMs?: number;
}

export interface ProjectionStatus {
  name: string;
  version: number;
  position: string;
  lag: string;
  state: 'live' | 'building' | 'rebuilding';
  rebuild: { position: string; target: string; events: number } | null;
  updated_at: string | null;
}

export interface RuntimeStatus {
  head_position: string;
  projections: ProjectionStatus[];
  last_error: { message: string; at: string } | null;
}

/**
 * Owns every projection: sets up new ones, rebuilds those whose version
 * changed, keeps the rest live, reports lag, rebuilds on demand and lets
 * queries wait for a position.
 */
export class ProjectionRuntime {
  private readonly live: LiveProjector;
  private readonly waiters = new PositionWaiters();
  private readonly rebuilding = new Map<string, { initial: boolean; progress: RebuildProgress; done: Promise<RebuildProgress> }>();
  private readonly byName: Map<string, Projection>;
  private stopped = false;
  private poller: NodeJS.Timeout | undefined;
  /** True while the checkpoint poller runs (only while a query waits, when the projector is elsewhere). */
  private polling = false;

  constructor(
    private readonly store: EventStore,
    private readonly db: Db,
    private readonly logger: Logger,
    projections: readonly Projection[],
    private readonly options: RuntimeOptions,
  ) {
    for (const p of projections) checkProjection(p);
    this.byName = new Map(projections.map((p) => [p.name, p]));
    if (this.byName.size !== projections.length) throw new Error('two projections share a name');
    this.live = new LiveProjector(store, db, logger, {
      batchSize: options.batchSize ?? 500,
      idleMs: options.idleMs ?? 50,
      minGapMs: options.minGapMs ?? 50,
    }, {
      onCommitted: (position) => this.waiters.advance(position),
      onError: () => undefined,
    });
  }

  get projections(): Projection[] {
    return [...this.byName.values()];
  }

  async start(): Promise<void> {
    await migrateServiceSchema(this.db);
    if (!this.options.project) return;
    const checkpoints = await readCheckpoints(this.db);
    const stale: Projection[] = [];
    for (const projection of this.byName.values()) {
      const cp = checkpoints.get(projection.name);
      if (!cp) {
        await this.db.transaction(async (tx) => {
          await projection.setup(tx, LIVE_SCHEMA);
          await insertCheckpoint(tx, projection.name, projection.version);
        });
        this.live.add(projection, 0n);
      } else if (cp.version !== projection.version) {
        this.logger.info({ projection: projection.name, from: cp.version, to: projection.version }, 'projection version changed: rebuilding');
        stale.push(projection);
      } else {
        this.live.add(projection, cp.position);
      }
    }
    // Every projection whose version changed is rebuilt in one read of the log.
    for (const done of this.startRebuilds(stale, true)) void done.catch(() => undefined);
    this.live.start();
  }

  /** Wakes the projector at once (after a local append). */
  nudge(): void {
    this.live.nudge();
  }

  /** True once every projection has applied `position`; false after `timeoutMs`. */
  async waitForPosition(position: bigint, timeoutMs: number): Promise<boolean> {
    if (this.byName.size === 0) return (await this.store.headPosition()) >= position;
    const initialBuild = [...this.rebuilding.values()].some((r) => r.initial);
    // In-process the projector advances the waiters; otherwise the checkpoint poller does, while any wait.
    if (!initialBuild) {
      const reached = this.waiters.wait(position, timeoutMs);
      if (!this.options.project) this.pollWhileWaiting();
      return reached;
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await lowestCheckpoint(this.db, [...this.byName.keys()])) >= position && ![...this.rebuilding.values()].some((r) => r.initial)) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, Math.min(this.options.checkpointPollMs ?? 20, deadline - Date.now())));
    }
  }

  /** Starts a rebuild from position 0 (no-op if one runs); resolves when it has been swapped in. */
  rebuild(name: string): Promise<RebuildProgress> {
    const projection = this.byName.get(name);
    if (!projection) return Promise.reject(new Error(`unknown projection ${name}`));
    return this.startRebuilds([projection], false)[0]!;
  }

  /** Rebuilds every projection not already being rebuilt in one read of the log; resolves when all have been swapped in or failed. */
  async rebuildAll(): Promise<PromiseSettledResult<RebuildProgress>[]> {
    return Promise.allSettled(this.startRebuilds(this.projections, false));
  }

  isRebuilding(name: string): boolean {
    return this.rebuilding.has(name);
  }

  /** One rebuild for those of `projections` not already being rebuilt; the promise of each, in order. */
  private startRebuilds(projections: readonly Projection[], initial: boolean): Promise<RebuildProgress>[] {
    const fresh = projections.filter((p) => !this.rebuilding.has(p.name));
    const progress = new Map(fresh.map((p) => [p.name, { position: 0n, target: 0n, events: 0 } as RebuildProgress]));
    const outcomes = fresh.length === 0 ? Promise.resolve([]) : rebuildAll(this.store, this.db, fresh, {
      batchSize: 2_000,
      verify: !initial,
      onProgress: (name, p) => Object.assign(progress.get(name)!, p),
      shouldStop: () => this.stopped,
    });
    for (const projection of fresh) {
      const done = outcomes.then(async (all) => {
        const outcome = all.find((o) => o.name === projection.name)!;
        if (!outcome.ok) throw outcome.error;
        if (outcome.check.differing.length > 0) {
          this.logger.warn({ projection: projection.name, tables: outcome.check.differing }, 'rebuilt read model differed from the live one (the rebuilt one was swapped in)');
        }
        return outcome.progress;
      }).then(
        async (result) => {
          this.rebuilding.delete(projection.name);
          if (initial) {
            const cp = (await readCheckpoints(this.db)).get(projection.name);
            this.live.add(projection, cp?.position ?? result.position);
          }
          this.logger.info({ projection: projection.name, events: result.events, position: result.position.toString() }, 'projection rebuilt and swapped in');
          return result;
        },
        (error: unknown) => {
          this.rebuilding.delete(projection.name);
          if (!this.stopped) this.logger.error({ err: error, projection: projection.name }, 'projection rebuild failed');
          throw error;
        },
      );
      this.rebuilding.set(projection.name, { initial, progress: progress.get(projection.name)!, done });
    }
    return projections.map((p) => this.rebuilding.get(p.name)?.done ?? Promise.reject(new Error(`rebuild of ${p.name} not found`)));
  }

  async status(): Promise<RuntimeStatus> {
    const [head, checkpoints] = await Promise.all([this.store.headPosition(), readCheckpoints(this.db)]);
    const projections = [...this.byName.values()].map((p): ProjectionStatus => {
      const cp = checkpoints.get(p.name);
      const position = cp && cp.version === p.version ? cp.position : 0n;
      const rebuild = this.rebuilding.get(p.name);
      return {
        name: p.name,
        version: p.version,
        position: position.toString(),
        lag: (head > position ? head - position : 0n).toString(),
        state: rebuild ? (rebuild.initial ? 'building' : 'rebuilding') : 'live',
        rebuild: rebuild
          ? { position: rebuild.progress.position.toString(), target: rebuild.progress.target.toString(), events: rebuild.progress.events }
          : null,
        updated_at: cp ? cp.updated_at.toISOString() : null,
      };
    });
    const err = this.live.lastError;
    return { head_position: head.toString(), projections, last_error: err ? { message: err.message, at: err.at.toISOString() } : null };
  }

  /**
   * With the projector in another process, reads the checkpoints every
   * checkpointPollMs while some query waits for a position, and not at all
   * otherwise (an idle API process sends no statement).
   */
  private pollWhileWaiting(): void {
    if (this.polling || this.stopped || this.waiters.size === 0) return;
    this.polling = true;
    const names = [...this.byName.keys()];
    const tick = async () => {
      try {
        this.waiters.advance(await lowestCheckpoint(this.db, names));
      } catch {
        // the database may be restarting; try again next tick
      }
      this.polling = !this.stopped && this.waiters.size > 0;
      if (this.polling) this.poller = setTimeout(tick, this.options.checkpointPollMs ?? 20);
    };
    void tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poller) clearTimeout(this.poller);
    await this.live.stop();
    await Promise.allSettled([...this.rebuilding.values()].map((r) => r.done));
    this.waiters.cancelAll();
  }
}
