import { CheckpointRefused, type CheckpointSigner } from '../commands/checkpoints/checkpoint-signer.js';
import { storedCheckpoint } from '../audit/stored-checkpoints.js';
import type { EventStore } from '../eventstore/port.js';
import type { Logger } from '../infra/logger.js';

/**
 * Signs a checkpoint every `intervalMs` when events other than checkpoints
 * were appended since the latest one; the first run comes when the latest is
 * due (at once when there is none), so restarts do not postpone checkpoints.
 */
export class CheckpointSchedule {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly signer: CheckpointSigner,
    private readonly store: EventStore,
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    const schedule = (delay: number) => {
      if (this.stopped) return;
      this.timer = setTimeout(() => void this.tick().finally(() => schedule(this.intervalMs)), delay);
      this.timer.unref();
    };
    void storedCheckpoint(this.store, 'latest').then(
      (latest) => {
        const due = latest ? Date.parse(latest.checkpoint.signed_at) + this.intervalMs - this.signer.clock().getTime() : 0;
        schedule(Math.min(this.intervalMs, Math.max(1_000, due)));
      },
      () => schedule(this.intervalMs),
    );
  }

  private async tick(): Promise<void> {
    try {
      const [latest, head] = await Promise.all([storedCheckpoint(this.store, 'latest'), this.store.headPosition()]);
      if (latest && head <= latest.event_position) return;
      await this.signer.sign();
    } catch (error) {
      if (error instanceof CheckpointRefused) this.logger.error({ code: error.code, reason: error.message }, 'chain checkpoint refused');
      else this.logger.warn({ err: error }, 'chain checkpoint failed');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.signer.stop();
  }
}
