import { securityHits } from '../../infra/metrics.js';
import { randomUUID } from 'node:crypto';
import { HitCounter, securityHitsStream, type SecurityHitKind } from '../../domain/security/security-hits.js';
import type { EventStore } from '../../eventstore/port.js';
import type { Logger } from '../../infra/logger.js';
import { toNewEvent } from '../shared/new-event.js';
import { systemContext } from '../shared/command-context.js';

/**
 * Refused requests (rate limited, blacklisted IP, bad API key), counted in
 * memory and appended as SecurityHitsRecorded once per interval and on stop.
 */
export class HitRecorder {
  private counter = new HitCounter();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: EventStore,
    private readonly logger: Logger,
    private readonly intervalMs: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  add(kind: SecurityHitKind, scope: string, key: string, ip: string | null): void {
    this.counter.add(kind, scope, key, ip, this.clock());
    securityHits.inc({ kind, scope });
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  /** Appends what was counted since the last flush (one event per kind, scope and key). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const events = this.counter.drain();
      if (events.length === 0) return;
      const context = systemContext('security-hits');
      context.now = this.clock();
      try {
        await this.store.append(securityHitsStream(context.now), events.map((e) => toNewEvent(e, randomUUID(), context)), 'any');
      } catch (error) {
        this.logger.warn({ err: error, events: events.length }, 'security hits not recorded');
      }
    });
    return this.flushing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
