import type { EventStore, RecordedEvent } from '../../eventstore/port.js';
import type { Db } from '../../infra/db.js';
import { dropBuildTables, finishBuildTables, prepareBuildTables, type BuildTables } from './build-tables.js';
import { applyEvents, handledEvents, type Projection } from './projection.js';
import { loadTransaction } from './insert-rows.js';
import { recordRebuild, swapIn } from './rebuild-swap.js';

export interface RebuildProgress {
  position: bigint;
  target: bigint;
  events: number;
}

/** The comparison with the live build at the swap: `compared` false when there was none of the same version. */
export interface RebuildCheck {
  compared: boolean;
  /** Tables whose rows differed from the live ones (the rebuilt rows were swapped in all the same). */
  differing: string[];
}

export interface RebuildOptions {
  batchSize: number;
  onProgress?: (progress: RebuildProgress) => void;
  /** Checked between batches; a stopped rebuild leaves the live tables untouched. */
  shouldStop?: () => boolean;
  /** Compare the build with the live tables at the swap (default false). */
  verify?: boolean;
}

export interface RebuildAllOptions extends Omit<RebuildOptions, 'onProgress'> {
  onProgress?: (name: string, progress: RebuildProgress) => void;
  /** Pages the reader may run ahead of the slowest build, besides the batch it is applying (bounds memory; default 4). */
  lookahead?: number;
}

export type RebuildOutcome =
  | { name: string; ok: true; progress: RebuildProgress; check: RebuildCheck }
  | { name: string; ok: false; progress: RebuildProgress; error: Error };

export class RebuildStopped extends Error {
  override readonly name = 'RebuildStopped';
}

const asError = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));

/**
 * One projection being rebuilt: its pages applied in order on its own
 * connection. Pages that queued up while the last ones were applied go in
 * one transaction (a build behind the others catches up in larger batches,
 * with fewer statements and round trips per event).
 */
class Build {
  readonly progress: RebuildProgress;
  failure: Error | undefined;
  /** Pages are applied as a load (loadTransaction) until the build's keys and indexes are back. */
  loading = true;
  /** Pages read and not yet applied, and how many are being applied. */
  private readonly pending: (readonly RecordedEvent[])[] = [];
  private applying = 0;
  private running = false;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly db: Db,
    readonly tables: BuildTables,
    target: bigint,
    private readonly onProgress: (progress: RebuildProgress) => void,
  ) {
    this.progress = { position: 0n, target, events: 0 };
  }

  get name(): string {
    return this.tables.projection.name;
  }

  /** Queues a page (never rejects: a failure is kept and stops this build only). */
  enqueue(page: readonly RecordedEvent[]): void {
    this.pending.push(page);
    if (!this.running) void this.run();
  }

  private async run(): Promise<void> {
    this.running = true;
    while (this.pending.length > 0) {
      const pages = this.pending.splice(0);
      this.applying = pages.length;
      if (!this.failure) {
        try {
          await this.apply(pages.length === 1 ? pages[0]! : pages.flat());
        } catch (error) {
          this.failure = asError(error);
        }
      }
      this.applying = 0;
      for (const wake of this.waiters.splice(0)) wake();
    }
    this.running = false;
  }

  /**
   * Waits until no more than `max` pages are queued, the batch being applied
   * counting as one (so the next batch gathers pages meanwhile), or, with
   * `max` 0, until all are applied.
   */
  async drain(max: number): Promise<void> {
    const queued = () => this.pending.length + (max === 0 ? this.applying : Math.min(this.applying, 1));
    while (queued() > max) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  async apply(page: readonly RecordedEvent[]): Promise<void> {
    const { projection, schema } = this.tables;
    // A page with nothing for this projection costs no transaction.
    const mine = handledEvents(projection, page);
    // Not flushed one by one: the swap's commit is, and a crash before it drops the build.
    if (mine.length > 0) await this.db.transaction((tx) => applyEvents(projection, this.loading ? loadTransaction(tx) : tx, mine, schema), { durable: false });
    const end = page[page.length - 1]!.position;
    this.progress.position = end;
    this.progress.events += page.length;
    if (end > this.progress.target) this.progress.target = end;
    this.onProgress({ ...this.progress });
  }
}

/**
 * Rebuilds `projections` from position 0 with one read of the log: pages of
 * events are read (the next while this one is applied) and parsed once, and
 * fed to every build, each applying them in its own transactions, concurrently,
 * into fresh tables in its build schema (the live tables keep serving
 * meanwhile). Then each build gets its indexes and is swapped in on its own
 * (rebuild-swap.ts). A projection that fails is dropped with its build, its
 * live tables untouched, and the others go on; the outcome says which.
 */
export async function rebuildAll(store: EventStore, db: Db, projections: readonly Projection[], options: RebuildAllOptions): Promise<RebuildOutcome[]> {
  const target = await store.headPosition();
  const builds: Build[] = [];
  try {
    for (const projection of projections) {
      const build = new Build(db, await prepareBuildTables(db, projection), target, (p) => options.onProgress?.(projection.name, p));
      builds.push(build);
      await recordRebuild(db, build.name, 'running', build.progress);
    }
    await readOnce(store, builds, options);
  } catch (error) {
    await Promise.all(builds.map((b) => abandon(db, b, asError(error))));
    throw error;
  }
  return Promise.all(builds.map((b) => finish(store, db, b, options)));
}

async function readOnce(store: EventStore, builds: Build[], options: RebuildAllOptions): Promise<void> {
  const { batchSize } = options;
  const lookahead = options.lookahead ?? 4;
  // Projections never look at the hash chain: the pages come without it.
  const read = (from: bigint) => store.readAll({ fromPosition: from, max: batchSize, chain: false });
  let next: Promise<RecordedEvent[]> = read(0n);
  for (;;) {
    if (options.shouldStop?.()) throw new RebuildStopped(`rebuild of ${builds.map((b) => b.name).join(', ')} stopped`);
    const page = await next;
    // Read the next page while this one is applied.
    if (page.length === batchSize) {
      next = read(page[page.length - 1]!.position);
      next.catch(() => undefined);
    }
    const going = builds.filter((b) => !b.failure);
    if (page.length > 0) for (const build of going) build.enqueue(page);
    await Promise.all(going.map((b) => b.drain(lookahead)));
    if (page.length < batchSize || going.length === 0) break;
  }
  await Promise.all(builds.map((b) => b.drain(0)));
}

/** Indexes, catch-up and swap of one build; a failure drops it and leaves the live tables as they were. */
async function finish(store: EventStore, db: Db, build: Build, options: RebuildAllOptions): Promise<RebuildOutcome> {
  try {
    if (build.failure) throw build.failure;
    await finishBuildTables(db, build.tables);
    build.loading = false;
    for (;;) {
      if (options.shouldStop?.()) throw new RebuildStopped(`rebuild of ${build.name} stopped`);
      const check = await swapIn(store, db, build.tables, build.progress, options.verify ?? false);
      if (check) {
        await recordRebuild(db, build.name, 'done', build.progress);
        return { name: build.name, ok: true, progress: build.progress, check };
      }
      // The live projector is well ahead of what was read: catch up alone, then try again.
      const page = await store.readAll({ fromPosition: build.progress.position, max: options.batchSize });
      if (page.length > 0) await build.apply(page);
    }
  } catch (error) {
    const failure = asError(error);
    await abandon(db, build, failure);
    return { name: build.name, ok: false, progress: build.progress, error: failure };
  }
}

async function abandon(db: Db, build: Build, error: Error): Promise<void> {
  await recordRebuild(db, build.name, 'failed', build.progress, error.message).catch(() => undefined);
  await dropBuildTables(db, build.tables).catch(() => undefined);
}

/**
 * Rebuilds one projection (rebuildAll of one): fresh tables filled from
 * position 0 in batches, then swapped in. Throws if it fails.
 */
export async function rebuildProjection(store: EventStore, db: Db, projection: Projection, options: RebuildOptions): Promise<RebuildProgress> {
  const { onProgress, ...rest } = options;
  const [outcome] = await rebuildAll(store, db, [projection], { ...rest, onProgress: (_name, p) => onProgress?.(p) });
  if (!outcome!.ok) throw outcome!.error;
  return outcome!.progress;
}
