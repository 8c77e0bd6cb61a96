/**
 * Work queued per key and run one batch at a time: whatever arrived for a key
 * while its previous batch ran is handed over as the next batch (at most
 * `maxBatch` items), in arrival order. Different keys run concurrently.
 */
export class KeyedBatches<I> {
  private readonly queues = new Map<string, I[]>();

  constructor(
    private readonly runBatch: (key: string, items: I[]) => Promise<void>,
    private readonly maxBatch = 32,
  ) {}

  /** Keys with work running or queued. */
  get size(): number {
    return this.queues.size;
  }

  /** True while work for `key` is running or queued. */
  busy(key: string): boolean {
    return this.queues.has(key);
  }

  submit(key: string, item: I): void {
    const queue = this.queues.get(key);
    if (queue) {
      queue.push(item);
      return;
    }
    const fresh = [item];
    this.queues.set(key, fresh);
    void this.drain(key, fresh);
  }

  /** Puts items back at the head of a key's queue (they run in the next batch). */
  requeue(key: string, items: I[]): void {
    this.queues.get(key)?.unshift(...items);
  }

  private async drain(key: string, queue: I[]): Promise<void> {
    while (queue.length > 0) {
      // runBatch settles every item of its batch, failures included; the queue goes on regardless.
      await this.runBatch(key, queue.splice(0, this.maxBatch)).catch(() => undefined);
    }
    this.queues.delete(key);
  }
}
