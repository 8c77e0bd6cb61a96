import type { DomainEvent } from '../shared/event.js';

export type SecurityHitKind = 'rate_limited' | 'blacklisted_ip' | 'bad_api_key';

export interface SecurityHits {
  kind: SecurityHitKind;
  scope: string;
  key: string;
  ip: string | null;
  count: number;
  window_start: string;
  window_end: string;
}

export type SecurityHitsRecorded = DomainEvent<'SecurityHitsRecorded', { [K in keyof SecurityHits]: SecurityHits[K] }>;

/** Stream of one UTC day's aggregated hits. */
export const securityHitsStream = (at: Date): string => `security-hits-${at.toISOString().slice(0, 10)}`;

/**
 * Counts refused requests per (kind, scope, key) in memory, so that an attack
 * costs one event per key and flush instead of one per request.
 */
export class HitCounter {
  private readonly hits = new Map<string, SecurityHits>();

  constructor(private readonly maxKeys = 10_000) {}

  add(kind: SecurityHitKind, scope: string, key: string, ip: string | null, at: Date): void {
    const id = `${kind}\u001f${scope}\u001f${key}`;
    const seen = this.hits.get(id);
    if (seen) {
      seen.count += 1;
      seen.window_end = at.toISOString();
      return;
    }
    // Past the cap, new keys fold into one overflow entry per kind and scope.
    const bounded = this.hits.size >= this.maxKeys ? { id: `${kind}\u001f${scope}\u001f*`, key: '*' } : { id, key };
    const existing = this.hits.get(bounded.id);
    if (existing) {
      existing.count += 1;
      existing.window_end = at.toISOString();
      return;
    }
    const now = at.toISOString();
    this.hits.set(bounded.id, { kind, scope, key: bounded.key, ip, count: 1, window_start: now, window_end: now });
  }

  get size(): number {
    return this.hits.size;
  }

  /** Everything counted so far, as events; the counter starts empty again. */
  drain(): SecurityHitsRecorded[] {
    const events = [...this.hits.values()].map((data): SecurityHitsRecorded => ({ type: 'SecurityHitsRecorded', data: { ...data } }));
    this.hits.clear();
    return events;
  }
}
