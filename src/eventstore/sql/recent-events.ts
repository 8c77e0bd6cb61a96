import type { RecordedEvent } from '../port.js';

/**
 * The newest stretch of `$all` this process has read, shared by its readers
 * (projectors, settlement, risk all read the same new events). It holds every
 * event with a position in (from, to]: once a reader has seen up to a position
 * no event can appear below it (the port's guarantee), so a stretch read once
 * stays complete. Reads behind the stretch go to the database and leave it be.
 */
export class RecentEvents {
  private events: RecordedEvent[] = [];
  private from = 0n;
  private to = -1n;

  constructor(private readonly limit: number) {}

  /** The end of the stretch, or undefined when there is none. */
  get end(): bigint | undefined {
    return this.to >= this.from ? this.to : undefined;
  }

  /** Up to `max` events after `position`, when the stretch covers it (the stretch may end sooner). */
  take(position: bigint, max: number): RecordedEvent[] | undefined {
    if (this.to < this.from || position < this.from || position > this.to) return undefined;
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.events[mid]!.position <= position) lo = mid + 1;
      else hi = mid;
    }
    return this.events.slice(lo, lo + max);
  }

  /** Records a read: `batch` is every event readers may see in (position, its last]. */
  record(position: bigint, batch: readonly RecordedEvent[]): void {
    if (batch.length === 0) return;
    const last = batch[batch.length - 1]!.position;
    if (this.to >= this.from && position >= this.from && position <= this.to) {
      for (const event of batch) if (event.position > this.to) this.events.push(event);
      if (last > this.to) this.to = last;
    } else if (this.to < this.from || position > this.to) {
      this.events = [...batch];
      this.from = position;
      this.to = last;
    } else {
      return;
    }
    if (this.events.length > this.limit) {
      const drop = this.events.length - this.limit;
      this.from = this.events[drop - 1]!.position;
      this.events = this.events.slice(drop);
    }
  }
}
