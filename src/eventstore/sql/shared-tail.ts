import type { RecordedEvent } from '../port.js';

type ReadAll = (fromPosition: bigint, max: number) => Promise<RecordedEvent[]>;

/**
 * The recent end of `$all`, read once for every reader of this process. The
 * projections, process managers and live feeds all follow the head; each
 * reading it on its own sent the same query and parsed the same rows N
 * times. Here a read at or after the cached range is served from memory, and
 * what is past it is fetched by one query shared by the readers that ask
 * while it runs, unless this process appended since it started: those wait
 * for the next fetch, started after they asked, so a follower woken by an
 * append always reads past it. A reader far behind (a rebuild, an audit page) reads the store
 * directly.
 *
 * The cache is a contiguous run of what `readAll` returned: since readers
 * see a prefix of the log (events past the commit-safe horizon are not
 * returned until everything before them is), a run once read stays complete.
 * Events handed out are shared between readers, which must not change them.
 */
export class SharedTail {
  /** Events after `base`, in position order, with no gap. */
  private events: RecordedEvent[] = [];
  private base = -1n;
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;
  /** Local appends so far, and how many there were when the last fetch started (and when). */
  private appends = 0;
  private appendsAtFetch = -1;
  private fetchedAt = 0;

  constructor(
    private readonly read: ReadAll,
    /** How long a fetch stands for what other processes appended (the followers' poll interval). */
    private readonly quietMs = 25,
    private readonly capacity = 10_000,
    private readonly page = 1_000,
  ) {}

  /** A local append committed: the next reader at the head fetches. */
  appended(): void {
    this.appends++;
  }

  private get last(): bigint {
    return this.events.length > 0 ? this.events[this.events.length - 1]!.position : this.base;
  }

  async readAll(fromPosition: bigint, max: number): Promise<RecordedEvent[]> {
    if (this.base >= 0n && fromPosition >= this.base) {
      if (fromPosition <= this.last) {
        const cached = this.after(fromPosition, max);
        if (cached.length === max) return cached;
      }
      if (this.stale()) await this.fetchFresh();
      if (fromPosition >= this.base && fromPosition <= this.last) return this.after(fromPosition, max);
    }
    const [appends, startedAt] = [this.appends, performance.now()];
    const direct = await this.read(fromPosition, max);
    // A reader at or past the cached end (or the first one) starts the cache afresh from where it stands.
    if (fromPosition >= this.last && this.running === undefined) {
      [this.appendsAtFetch, this.fetchedAt] = [appends, startedAt];
      this.base = fromPosition;
      this.events = direct.slice(-this.capacity);
      if (direct.length > this.capacity) this.base = this.events[0]!.position - 1n;
    }
    return direct;
  }

  private after(fromPosition: bigint, max: number): RecordedEvent[] {
    // Positions increase but may skip (a rolled-back append): find the first one past fromPosition.
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.events[mid]!.position <= fromPosition) lo = mid + 1;
      else hi = mid;
    }
    return this.events.slice(lo, lo + max);
  }

  /**
   * Whether the head may hold more than the cache: this process appended since
   * the last fetch started, or that fetch is older than the poll interval
   * (other processes append too). Followers that ask at different moments
   * between two appends are then served from memory, not one query each.
   */
  private stale(): boolean {
    return this.appends !== this.appendsAtFetch || performance.now() - this.fetchedAt >= this.quietMs || this.running !== undefined;
  }

  /**
   * A fetch that sees what this process appended before this call: the
   * running one when no local append was noted since it started (the
   * followers an append wakes all ask after it was noted), else the next
   * one, started after it.
   */
  private fetchFresh(): Promise<void> {
    if (this.running === undefined) {
      this.running = this.fetch().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    if (this.appends === this.appendsAtFetch) return this.running;
    this.next ??= this.running.then(() => {
      this.next = undefined;
      return this.fetchFresh();
    });
    return this.next;
  }

  private async fetch(): Promise<void> {
    this.appendsAtFetch = this.appends;
    this.fetchedAt = performance.now();
    const from = this.last;
    const fresh = await this.read(from, this.page);
    // A direct reader may have restarted the cache meanwhile: only a contiguous run is kept.
    if (this.last !== from) return;
    this.events.push(...fresh);
    if (this.events.length > this.capacity + this.page) {
      const dropped = this.events.splice(0, this.events.length - this.capacity);
      this.base = dropped[dropped.length - 1]!.position;
    }
  }
}
