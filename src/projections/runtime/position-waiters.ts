/**
 * Promises waiting for the projections to reach a position. Resolved by the
 * in-process projector as batches commit, or by polling the checkpoints when
 * the projector runs in another process.
 */
export class PositionWaiters {
  private reached = 0n;
  private readonly waiting = new Set<{ position: bigint; resolve: (ok: boolean) => void }>();

  get position(): bigint {
    return this.reached;
  }

  advance(position: bigint): void {
    if (position <= this.reached) return;
    this.reached = position;
    for (const w of this.waiting) {
      if (w.position <= position) {
        this.waiting.delete(w);
        w.resolve(true);
      }
    }
  }

  wait(position: bigint, timeoutMs: number): Promise<boolean> {
    if (position <= this.reached) return Promise.resolve(true);
    return new Promise((resolve) => {
      const entry = {
        position,
        resolve: (ok: boolean) => {
          clearTimeout(timer);
          resolve(ok);
        },
      };
      const timer = setTimeout(() => {
        this.waiting.delete(entry);
        resolve(false);
      }, timeoutMs);
      this.waiting.add(entry);
    });
  }

  get size(): number {
    return this.waiting.size;
  }

  cancelAll(): void {
    for (const w of this.waiting) w.resolve(false);
    this.waiting.clear();
  }
}
