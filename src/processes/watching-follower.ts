import type { BankEventType } from '../domain/events.js';
import { ofTypes, type BankRecordedEvent } from '../eventstore/bank-events.js';
import type { EventStore, RecordedEvent } from '../eventstore/port.js';
import type { Db } from '../infra/db.js';
import { FollowerLoop } from '../infra/follower-loop.js';
import type { Logger } from '../infra/logger.js';
import { loadProcessCheckpoint, saveProcessCheckpoint } from './process-checkpoints.js';

export interface WatchingOptions {
  batchSize: number;
  idleMs: number;
}

/**
 * A process of the command side that follows `$all` with its own checkpoint
 * in `cmd.process_checkpoints` and watches work in memory (a debit awaiting
 * its credit, a hold awaiting its end). The checkpoint never passes the
 * oldest thing still watched, so after a crash or a failed step it resumes
 * from the checkpoint and learns again what is still open. It declares the
 * event types it `handles`: `observe` sees only those, typed.
 */
export abstract class WatchingFollower<W, T extends BankEventType> {
  protected readonly watched = new Map<string, W>();
  private readonly handled: (events: readonly RecordedEvent[]) => BankRecordedEvent<T>[];
  private readonly loop: FollowerLoop;
  private readonly batchSize: number;
  /** Read position and last saved checkpoint; undefined until loaded (and after a failure). */
  private cursor: { readFrom: bigint; saved: bigint } | undefined;

  constructor(
    private readonly name: string,
    handles: readonly T[],
    protected readonly store: EventStore,
    private readonly db: Db,
    protected readonly logger: Logger,
    options: WatchingOptions,
  ) {
    this.handled = ofTypes(handles);
    this.batchSize = options.batchSize;
    this.loop = new FollowerLoop(`${name} process`, logger, options.idleMs, () => this.step(), () => {
      this.cursor = undefined;
      this.watched.clear();
    });
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** Starts, updates or ends watching something, by key. */
  protected abstract observe(event: BankRecordedEvent<T>): void;
  /** Finishes whatever is due (removing it from `watched`); throwing fails the step. */
  protected abstract act(): Promise<void>;
  /** The event that started watching it: the checkpoint stays before it until it is done. */
  protected abstract since(item: W): RecordedEvent;

  private async step(): Promise<boolean> {
    if (!this.cursor) {
      const at = await loadProcessCheckpoint(this.db, this.name);
      this.cursor = { readFrom: at, saved: at };
    }
    const batch = await this.store.readAll({ fromPosition: this.cursor.readFrom, max: this.batchSize, follower: true });
    for (const event of this.handled(batch)) this.observe(event);
    if (batch.length > 0) this.cursor.readFrom = batch[batch.length - 1]!.position;
    await this.act();
    let checkpoint = this.cursor.readFrom;
    for (const item of this.watched.values()) {
      const before = this.since(item).position - 1n;
      if (before < checkpoint) checkpoint = before;
    }
    if (checkpoint !== this.cursor.saved) {
      await saveProcessCheckpoint(this.db, this.name, checkpoint);
      this.cursor.saved = checkpoint;
    }
    return batch.length === this.batchSize;
  }
}
