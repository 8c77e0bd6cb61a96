/** Remembered states checked in a row before the share found stale decides whether checking goes on. */
export const FRESHNESS_WINDOW = 256;
/** Below this share of stale remembered states, checking stops (the append's expected revision is proof enough). */
export const STALE_SHARE_TO_KEEP_CHECKING = 0.05;

/**
 * Whether this process checks its remembered stream states against the store
 * before deciding on them. Alone on its streams, a process never needs to: the
 * expected revision of its append proves a remembered state current. When
 * another process writes the same streams (N API processes behind a
 * round-robin balancer: an account's last transfer usually went elsewhere),
 * most remembered states are stale, and deciding on them costs a lost append,
 * a fresh read and a second decision. So a lost race turns checking on: each
 * remembered state's tail is read first (one read for a whole group), which
 * costs one read and no lost append. Checking turns off again once fewer than
 * 1 in 20 of the states it checked were stale.
 */
export class CacheFreshness {
  private checking = false;
  private checked = 0;
  private stale = 0;

  /** True while remembered states are read again before a decision. */
  get verifies(): boolean {
    return this.checking;
  }

  /** An append lost the race for a revision to another writer. */
  conflict(): void {
    if (!this.checking) this.checked = this.stale = 0;
    this.checking = true;
  }

  /** A remembered state was checked: `moved` when the store had events past it. */
  observed(moved: boolean): void {
    if (!this.checking) return;
    this.checked++;
    if (moved) this.stale++;
    if (this.checked < FRESHNESS_WINDOW) return;
    if (this.stale / this.checked < STALE_SHARE_TO_KEEP_CHECKING) this.checking = false;
    this.checked = this.stale = 0;
  }
}
