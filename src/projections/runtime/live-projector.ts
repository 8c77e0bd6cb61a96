import type { EventStore, RecordedEvent } from '../../eventstore/port.js';
import type { Db } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import { lockCheckpoints, moveCheckpoints } from './checkpoints.js';
import { FollowerLoop } from '../../infra/follower-loop.js';
import { applyHandled, LIVE_SCHEMA, type Projection } from './projection.js';

export interface LiveProjectorOptions {
  batchSize: number;
  /** How long to wait for new events when caught up (a local append wakes it sooner). */
  idleMs: number;
  /** Least time from one batch's start to the next when the first was not full (see FollowerLoop). */
  minGapMs: number;
}

export interface LiveProjectorEvents {
  /** After a batch committed: every live projection has reached `position`. */
  onCommitted(position: bigint): void;
  onError(error: unknown): void;
}

/**
 * Follows `$all` for a set of projections. Each batch is applied, together
 * with the checkpoints it moves, in one transaction that first locks those
 * checkpoints: a crash loses the whole batch or none of it, and two projector
 * processes serialize on the locks instead of applying an event twice. The
 * commit does not wait for the WAL flush: a crash can only lose whole batches
 * with their checkpoints, which are then applied again.
 */
export class LiveProjector {
  private readonly projections = new Map<string, Projection>();
  /** Lowest checkpoint among the live projections, as last committed. */
  private position = 0n;
  /** Set by `add` while a batch may be running: the next read starts no later than this. */
  private pendingLow: bigint | undefined;
  private readonly loop: FollowerLoop;
  lastError: { message: string; at: Date } | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly db: Db,
    logger: Logger,
    private readonly options: LiveProjectorOptions,
    private readonly events: LiveProjectorEvents,
  ) {
    this.loop = new FollowerLoop('projector batch', logger, options.idleMs, async () => {
      if (this.projections.size === 0) return false;
      const applied = await this.step();
      this.lastError = undefined;
      return applied >= this.options.batchSize;
    }, (error) => {
      this.lastError = { message: error instanceof Error ? error.message : String(error), at: new Date() };
      this.events.onError(error);
    }, options.minGapMs);
  }

  /** Adds a projection already set up in the live schema, whose checkpoint is `at`. */
  add(projection: Projection, at: bigint): void {
    const first = this.projections.size === 0;
    this.projections.set(projection.name, projection);
    if (first || at < this.position) this.position = at;
    this.pendingLow = this.pendingLow === undefined || at < this.pendingLow ? at : this.pendingLow;
    this.loop.nudge();
  }

  names(): string[] {
    return [...this.projections.keys()].sort();
  }

  start(): void {
    this.loop.start();
  }

  /** Wakes the loop now (a local append happened). */
  nudge(): void {
    this.loop.nudge();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** Reads one batch after the lowest checkpoint and applies it. Returns its size. */
  async step(): Promise<number> {
    const from = this.position;
    const batch = await this.store.readAll({ fromPosition: from, max: this.options.batchSize, follower: true });
    if (batch.length === 0) return 0;
    const last = batch[batch.length - 1]!.position;
    const names = this.names();
    const outcome = await this.db.transaction<{ behind: bigint } | { reached: bigint }>(async (tx) => {
      const checkpoints = await lockCheckpoints(tx, names);
      // A checkpoint behind where this batch starts lost its last batches in a database crash
      // (they commit without waiting for the disk): go back to it instead of skipping events.
      let behind: bigint | undefined;
      for (const cp of checkpoints.values()) if (cp.position < from && (behind === undefined || cp.position < behind)) behind = cp.position;
      if (behind !== undefined) return { behind };
      let low = last;
      const moved: string[] = [];
      for (const name of names) {
        const projection = this.projections.get(name)!;
        const at = checkpoints.get(name)?.position;
        if (at === undefined) throw new Error(`checkpoint of projection ${name} is missing`);
        // Another projector (or a rebuild swap) may have moved it since we read.
        const fresh = at >= last ? [] : batch.filter((e: RecordedEvent) => e.position > at);
        if (fresh.length > 0) {
          // Its checkpoint moves past the batch even when none of the events is of a type it handles.
          await applyHandled(projection, tx, fresh, LIVE_SCHEMA);
          moved.push(name);
        }
        const now = at >= last ? at : last;
        if (now < low) low = now;
      }
      await moveCheckpoints(tx, moved, last);
      return { reached: low };
    }, { durable: false });
    if ('behind' in outcome) {
      this.position = outcome.behind;
      return 0;
    }
    const reached = outcome.reached;
    const pending = this.pendingLow;
    this.pendingLow = undefined;
    this.position = pending !== undefined && pending < reached ? pending : reached;
    this.events.onCommitted(this.position);
    return batch.length;
  }
}
