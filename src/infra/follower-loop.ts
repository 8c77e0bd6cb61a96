import type { Logger } from './logger.js';

export interface FollowerStep {
  /** One round of work; resolves true when more is waiting (run again at once). */
  (): Promise<boolean>;
}

/**
 * The loop of a process that follows `$all` (settlement, risk, projectors):
 * runs `step` until stopped, sleeps `idleMs` when caught up (a nudge wakes it
 * sooner), and backs off exponentially after a failure, calling `recover`
 * first so the next step starts again from what was saved.
 *
 * `minGapMs` paces a nudged loop: a step that did not fill its batch is not
 * followed by another until that long after it started, however many nudges
 * arrive. Under load each step then takes many events at once instead of one
 * or two (a step's fixed cost is a read and a transaction); when quiet, a
 * nudge still wakes it at once.
 */
export class FollowerLoop {
  private stopped = false;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly name: string,
    private readonly logger: Logger,
    private readonly idleMs: number,
    private readonly step: FollowerStep,
    /** Called after a failed step, before the back-off (e.g. to forget what was read but not saved). */
    private readonly recover: (error: unknown) => void = () => undefined,
    private readonly minGapMs = 0,
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  nudge(): void {
    this.wake?.();
  }

  get stopping(): boolean {
    return this.stopped;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    let backoff = 100;
    while (!this.stopped) {
      try {
        const started = Date.now();
        const more = await this.step();
        backoff = 100;
        if (!more) {
          await this.sleep(this.idleMs);
          const gap = started + this.minGapMs - Date.now();
          if (gap > 0 && !this.stopped) await new Promise((r) => setTimeout(r, gap));
        }
      } catch (error) {
        this.logger.warn({ err: error, backoff_ms: backoff }, `${this.name} failed; retrying from its checkpoint`);
        this.recover(error);
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, 10_000);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}
