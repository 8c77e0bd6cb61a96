import type { SessionStatus } from '../../commands/sessions/session-status.js';

interface Entry {
  expires: number;
  status: Promise<SessionStatus>;
}

const MAX_ENTRIES = 50_000;

/**
 * Remembers a session's status for at most `ttlMs` (1 s), so that a revoked
 * session's access tokens fail within a second without a store read on every
 * request. Concurrent lookups of one session share a single read; failed reads
 * are not kept.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly load: (sessionId: string, userId: string) => Promise<SessionStatus>,
    private readonly clock: () => number = Date.now,
  ) {}

  get(sessionId: string, userId: string): Promise<SessionStatus> {
    const key = `${sessionId}/${userId}`;
    const now = this.clock();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.status;
    // The TTL counts from before the read, so an entry is never older than ttlMs.
    const status = this.load(sessionId, userId);
    this.entries.delete(key);
    this.entries.set(key, { expires: now + this.ttlMs, status });
    status.catch(() => this.entries.delete(key));
    if (this.entries.size > MAX_ENTRIES) this.evictExpired(now);
    return status;
  }

  /** Drops what is known about a session (this process revoked it). */
  forget(sessionId: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(`${sessionId}/`)) this.entries.delete(key);
  }

  private evictExpired(now: number): void {
    for (const [key, entry] of this.entries) if (entry.expires <= now) this.entries.delete(key);
    while (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
