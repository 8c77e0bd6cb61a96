/**
 * Runs work one at a time per key, in arrival order; different keys run
 * concurrently. Used so that commands on the same stream in one process queue
 * behind each other instead of racing for the same expected revision.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** Keys with work running or queued (for tests and metrics). */
  get size(): number {
    return this.tails.size;
  }

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const tail = previous ? previous.then(() => done) : done;
    this.tails.set(key, tail);
    if (previous) await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
