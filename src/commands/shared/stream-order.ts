/**
 * The order in which a group's streams are appended, so that every unit's
 * events keep their own order in the log (a transfer's debit before its
 * credit, its credit before its fee: a reader cutting the log at any position
 * never sees money arrive before it left). Each unit asks for its streams in
 * its legs' order; a unit whose order contradicts the group's (A before B for
 * one unit, B before A for another) is refused, and goes alone.
 */
export class StreamOrder {
  /** stream → streams that must come after it. */
  private readonly after = new Map<string, Set<string>>();
  /** First-seen order, the tie-break that keeps the sort deterministic. */
  private readonly seen: string[] = [];

  /** Adds the chain s0 < s1 < …; false (and nothing added) when it contradicts what is there. */
  add(chain: string[]): boolean {
    for (let i = 1; i < chain.length; i++) {
      // s(i-1) < s(i) contradicts an existing path s(i) ⇝ s(i-1), or one through links added with it.
      for (let j = 0; j < i; j++) if (this.reaches(chain[i]!, chain[j]!)) return false;
    }
    for (const s of chain) {
      if (!this.after.has(s)) {
        this.after.set(s, new Set());
        this.seen.push(s);
      }
    }
    for (let i = 1; i < chain.length; i++) this.after.get(chain[i - 1]!)!.add(chain[i]!);
    return true;
  }

  /** Every stream, each after all those that must precede it. */
  sorted(): string[] {
    const incoming = new Map<string, number>(this.seen.map((s) => [s, 0]));
    for (const next of this.after.values()) for (const s of next) incoming.set(s, incoming.get(s)! + 1);
    const out: string[] = [];
    const ready = this.seen.filter((s) => incoming.get(s) === 0);
    while (ready.length > 0) {
      const s = ready.shift()!;
      out.push(s);
      for (const n of this.after.get(s)!) {
        incoming.set(n, incoming.get(n)! - 1);
        if (incoming.get(n) === 0) ready.push(n);
      }
    }
    return out;
  }

  private reaches(from: string, to: string): boolean {
    if (from === to) return true;
    const stack = [from];
    const visited = new Set<string>();
    while (stack.length > 0) {
      const s = stack.pop()!;
      for (const n of this.after.get(s) ?? []) {
        if (n === to) return true;
        if (!visited.has(n)) {
          visited.add(n);
          stack.push(n);
        }
      }
    }
    return false;
  }
}
