import type { AtomicUnit } from './decide-atomic-group.js';

/**
 * The queue of a process's atomic decisions: whatever waits is taken as a
 * group (at most `maxUnits`, in arrival order) and run by `runGroup`; up to
 * `maxGroups` groups run at once, on disjoint streams, so a group is
 * decided on states no other running group is changing. A unit that shares
 * a stream with a running group, or with one skipped before it (each
 * stream's units keep their arrival order), waits for a later group.
 */
export class AtomicLane {
  private readonly waiting: AtomicUnit[] = [];
  /** Streams of the groups running now. */
  private readonly held = new Set<string>();
  private running = 0;

  constructor(
    private readonly runGroup: (units: AtomicUnit[]) => Promise<void>,
    private readonly maxUnits = 32,
    private readonly maxGroups = 2,
  ) {}

  submit(unit: AtomicUnit): void {
    this.waiting.push(unit);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.maxGroups && this.waiting.length > 0) {
      const group = this.take();
      if (group.length === 0) return;
      const streams = group.flatMap((u) => u.commands.map((c) => c.stream));
      for (const s of streams) this.held.add(s);
      this.running++;
      void this.runGroup(group)
        .catch((error: unknown) => group.forEach((u) => u.reject(error)))
        .finally(() => {
          for (const s of streams) this.held.delete(s);
          this.running--;
          this.pump();
        });
    }
  }

  /** The next group: waiting units whose streams no running group holds and no skipped unit before them touches. */
  private take(): AtomicUnit[] {
    const group: AtomicUnit[] = [];
    const blocked = new Set(this.held);
    const kept: AtomicUnit[] = [];
    for (const unit of this.waiting) {
      const streams = unit.commands.map((c) => c.stream);
      if (group.length < this.maxUnits && !streams.some((s) => blocked.has(s))) group.push(unit);
      else {
        kept.push(unit);
        for (const s of streams) blocked.add(s);
      }
    }
    this.waiting.splice(0, this.waiting.length, ...kept);
    return group;
  }
}
