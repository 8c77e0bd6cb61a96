import type { RecordedEvent, SubscribeAllOptions, Subscription } from '../port.js';
import type { EsdbClient, EsdbFilter, EsdbResolvedEvent, EsdbSubscription } from './client.js';
import { positionOf, toReadPosition, toRecordedEvent } from './mapping.js';

/** Server-side: drop event types starting with `$` (what the client's `excludeSystemEvents()` builds). */
export const EXCLUDE_SYSTEM_EVENTS: EsdbFilter = { filterOn: 'eventType', regex: '^[^$].*', checkpointInterval: 1 };

/**
 * The port's subscription over ESDB's catch-up `subscribeToAll`. The server
 * subscription is opened when iteration starts. The position is exclusive
 * whatever the server does at the boundary, and entries that are not ledger
 * events (system streams, foreign events) are skipped on this side too.
 */
export class EsdbSubscriptionAdapter implements Subscription {
  private closed = false;
  private inner: EsdbSubscription | undefined;

  constructor(
    private readonly client: EsdbClient,
    private readonly options: SubscribeAllOptions,
    private readonly accept: (resolved: EsdbResolvedEvent) => boolean,
    private readonly onClose: (subscription: EsdbSubscriptionAdapter) => void,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    if (this.closed) return;
    if (this.inner) throw new Error('a subscription can be iterated once');
    let last = this.options.fromPosition;
    const inner = this.client.subscribeToAll({
      fromPosition: toReadPosition(last),
      filter: EXCLUDE_SYSTEM_EVENTS,
    });
    this.inner = inner;
    try {
      for await (const resolved of inner) {
        if (this.closed) return;
        const position = positionOf(resolved);
        if (position === undefined || position <= last) continue;
        if (!this.accept(resolved)) continue;
        last = position;
        yield toRecordedEvent(resolved);
      }
    } catch (error) {
      // Unsubscribing cancels the server call; that is the normal end.
      if (!this.closed) throw error;
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    await this.inner?.unsubscribe().catch(() => undefined);
  }
}
