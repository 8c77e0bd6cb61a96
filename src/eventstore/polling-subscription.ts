import type { RecordedEvent, SubscribeAllOptions, Subscription } from './port.js';

type ReadBatch = (fromPosition: bigint, max: number) => Promise<RecordedEvent[]>;

/**
 * A catch-up subscription over a store that can only be polled: reads batches
 * after the last position it handed out; when caught up, waits for the poll
 * interval or for a local append to wake it.
 */
export class PollingSubscription implements Subscription {
  private closed = false;
  private wakeUp: (() => void) | undefined;
  private readonly waker = () => this.wakeUp?.();

  constructor(
    private readonly read: ReadBatch,
    private readonly options: SubscribeAllOptions,
    private readonly pollIntervalMs: number,
    private readonly wakers: Set<() => void>,
  ) {
    wakers.add(this.waker);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    let position = this.options.fromPosition;
    const batchSize = this.options.batchSize ?? 500;
    try {
      while (!this.closed) {
        const batch = await this.read(position, batchSize);
        for (const event of batch) {
          if (this.closed) return;
          position = event.position;
          yield event;
        }
        if (batch.length < batchSize) await this.pause();
      }
    } finally {
      this.wakers.delete(this.waker);
    }
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.pollIntervalMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakers.delete(this.waker);
    this.wakeUp?.();
  }
}
