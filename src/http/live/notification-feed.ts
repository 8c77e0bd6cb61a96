import type { WebSocket } from 'ws';
import type { EventStore, RecordedEvent, Subscription } from '../../eventstore/port.js';
import type { Logger } from '../../infra/logger.js';
import { liveFrames, liveSockets } from '../../infra/metrics.js';
import { notificationId } from '../../projections/notifications/notifications-projection.js';
import type { Principal } from '../auth/principal.js';
import { notificationView } from '../notification-view.js';
import { LiveClient, type Frame } from './live-client.js';
import { liveEffect, type LiveEffect } from './live-notices.js';
import { LogFacts } from './log-facts.js';

const REPLAY_BATCH = 500;
/** A resume further back than this many positions is refused (4409): list GET /notifications instead. */
const MAX_REPLAY_POSITIONS = 200_000n;
const HEARTBEAT_MS = 30_000;

/** The `notification` frame an event gives a client, or null when it tells them nothing. */
function frameFor(e: RecordedEvent, effect: LiveEffect, client: LiveClient): Frame | null {
  const notice = effect.owner?.user_id === client.user_id
    ? effect.owner.notice
    : effect.staff && client.principal.is_staff ? effect.staff : undefined;
  if (!notice) return null;
  const position = e.position.toString();
  const notification = notificationView({
    id: notificationId(e.event_id, client.user_id),
    notification_type: notice.type,
    message: notice.message,
    account_number: notice.account_number,
    related_transfer_id: notice.transfer_id ?? null,
    card_id: notice.card_id ?? null,
    created_at: e.recorded_at.toISOString(),
    read_at: null,
    position,
  });
  return { type: 'notification', position, notification };
}

const add = <K, V>(map: Map<K, Set<V>>, key: K, value: V) => {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
};
const remove = <K, V>(map: Map<K, Set<V>>, key: K, value: V) => {
  const set = map.get(key);
  set?.delete(value);
  if (set?.size === 0) map.delete(key);
};

/**
 * The live notifications of one process: ONE subscription to `$all`, fanned
 * out to every connected socket. Each event is turned into the notifications
 * the read model will hold (the same ids and messages), the moment the store
 * hands it out, and sent to its recipients' sockets with its position; events
 * that end a session (logout, terminate-session, block, password change)
 * close the sockets concerned, whichever process wrote them.
 *
 * `position` is the last event handed to the sockets: a socket registered now
 * receives every event after it live. A resuming socket is registered first
 * (its live frames kept back), then replays (from, position] from the log,
 * then sends what was kept back: no gap, and dedupe by position, no double.
 */
export class NotificationFeed {
  private position = 0n;
  private readonly facts: LogFacts;
  private readonly byUser = new Map<string, Set<LiveClient>>();
  private readonly bySession = new Map<string, Set<LiveClient>>();
  private readonly staff = new Set<LiveClient>();
  private subscription: Subscription | undefined;
  /** The follow loop while it runs, and the read of the head it starts from. */
  private following: Promise<void> | undefined;
  private resumed: Promise<void> = Promise.resolve();
  /** Sockets registered, and connections on their way to registering: the feed follows the log while either is non-zero. */
  private registered = 0;
  private arriving = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly store: EventStore,
    private readonly logger: Logger,
    private readonly maxReplayPositions = MAX_REPLAY_POSITIONS,
  ) {
    this.facts = new LogFacts(store);
  }

  /**
   * Starts the heartbeat. The log is followed only while a socket is
   * connected: the first one starts the subscription at the log's head, and it
   * stops when the last one leaves, so a process nobody listens to sends no
   * statement for them (an API process behind a balancer, the bench).
   */
  async start(): Promise<void> {
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private get wanted(): boolean {
    return !this.stopped && this.registered + this.arriving > 0;
  }

  /** Starts the follow loop at the log's head unless it runs; resolves once `position` is where it follows from. */
  private follows(): Promise<void> {
    if (this.following) return this.resumed;
    this.resumed = this.store.headPosition().then((head) => {
      this.position = head;
    });
    this.following = this.resumed.then(() => this.follow());
    void this.following.catch(() => undefined);
    return this.resumed;
  }

  /**
   * Serves an accepted socket: hello, then (with `from`) the notifications of
   * events after `from`, then live ones. `stillValid` re-reads the session
   * once the socket is registered, so a revocation written between the
   * handshake's check and the registration is not missed.
   */
  async connect(ws: WebSocket, principal: Principal, from: bigint | undefined, stillValid: () => Promise<boolean>): Promise<void> {
    this.arriving++;
    try {
      await this.follows();
    } catch (error) {
      this.arriving--;
      this.logger.warn({ err: error, user_id: principal.user_id }, 'live notifications: reading the head failed');
      return new LiveClient(ws, principal, 0n).close(1011, 'internal_error');
    }
    this.arriving--;
    const until = this.position;
    const client = new LiveClient(ws, principal, from ?? until);
    if (this.stopped) return client.close(1001, 'shutting_down');
    // Closed while the feed started: never registered, so nothing is left to unregister.
    if (ws.readyState !== ws.OPEN) return this.releaseUnwanted();
    this.register(client);
    ws.on('close', () => this.unregister(client));
    ws.on('pong', () => (client.alive = true));
    ws.on('message', (data, isBinary) => {
      let type: unknown;
      try {
        type = isBinary ? undefined : (JSON.parse(String(data)) as { type?: unknown }).type;
      } catch {
        type = undefined;
      }
      if (type === 'ping') client.send({ type: 'pong' });
      else client.close(1008, 'unknown_frame');
    });
    try {
      if (!(await stillValid())) return client.close(4001, 'session_revoked');
      if (from !== undefined && until - from > this.maxReplayPositions) return client.close(4409, 'resume_too_old');
      const groups = [`user_${principal.user_id}`, ...(principal.is_staff ? ['admin_alerts'] : [])];
      client.send({ type: 'connection_established', message: 'Connected to live notifications.', groups, position: until.toString() });
      if (from !== undefined) {
        // Up to the log's head, not only as far as this feed has followed: what was written before
        // the client resumed comes in the replay. Anything also dispatched live since the socket was
        // registered is sent once (LiveClient keeps positions strictly increasing).
        const head = await this.store.headPosition();
        const to = head > until ? head : until;
        if (from < to) await this.replay(client, from, to);
        client.send({ type: 'caught_up', position: (from > to ? from : to).toString() });
      }
      client.goLive();
    } catch (error) {
      this.logger.warn({ err: error, user_id: principal.user_id }, 'live notifications: catching up failed');
      client.close(1011, 'internal_error');
    }
  }

  /** Closes every socket (1001) and stops following. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeat);
    for (const set of this.byUser.values()) for (const client of set) client.close(1001, 'shutting_down');
    await this.subscription?.close();
    await this.following;
  }

  private register(client: LiveClient): void {
    this.registered++;
    liveSockets.inc();
    add(this.byUser, client.user_id, client);
    add(this.bySession, client.principal.session_id, client);
    if (client.principal.is_staff) this.staff.add(client);
  }

  private unregister(client: LiveClient): void {
    this.registered--;
    liveSockets.dec();
    remove(this.byUser, client.user_id, client);
    remove(this.bySession, client.principal.session_id, client);
    this.staff.delete(client);
    this.releaseUnwanted();
  }

  /** No socket left or coming: ends the subscription; the loop stops unless another arrived meanwhile. */
  private releaseUnwanted(): void {
    if (!this.wanted) void this.subscription?.close().catch(() => undefined);
  }

  /**
   * The one subscription, while sockets want it; after a failure it starts
   * again after the last event handed out. Whether to go on is decided and
   * the loop let go in one step, so a socket arriving later starts a new one.
   */
  private async follow(): Promise<void> {
    let backoff = 100;
    for (;;) {
      if (!this.wanted) {
        this.following = undefined;
        return;
      }
      try {
        this.subscription = this.store.subscribeAll({ fromPosition: this.position, batchSize: REPLAY_BATCH });
        for await (const event of this.subscription) {
          const effect = await liveEffect(event, this.facts);
          // Synchronously with moving the position: a socket registered in between gets the event live.
          this.dispatch(event, effect);
          this.position = event.position;
          backoff = 100;
        }
      } catch (error) {
        if (this.stopped) break;
        this.logger.warn({ err: error, position: this.position.toString(), backoff_ms: backoff }, 'live notifications: subscription failed; resubscribing');
        await this.subscription?.close().catch(() => undefined);
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 10_000);
      }
    }
  }

  private dispatch(e: RecordedEvent, effect: LiveEffect): void {
    const recipients = [...(effect.owner ? (this.byUser.get(effect.owner.user_id) ?? []) : []), ...(effect.staff ? this.staff : [])];
    for (const client of new Set(recipients)) {
      const frame = frameFor(e, effect, client);
      if (!frame) continue;
      liveFrames.inc({ source: 'live' });
      client.deliver(e.position, frame);
    }
    const close = effect.close;
    if (close) {
      const clients = close.session_id ? this.bySession.get(close.session_id) : this.byUser.get(close.user_id!);
      for (const client of [...(clients ?? [])]) client.close(4001, close.reason);
    }
  }

  /** Sends the client its notifications of events in (from, until], read from the log. */
  private async replay(client: LiveClient, from: bigint, until: bigint): Promise<void> {
    let at = from;
    while (at < until && client.open) {
      const batch = await this.store.readAll({ fromPosition: at, max: REPLAY_BATCH });
      if (batch.length === 0) return;
      for (const e of batch) {
        if (e.position > until) return;
        const frame = frameFor(e, await liveEffect(e, this.facts), client);
        if (frame) {
          liveFrames.inc({ source: 'replay' });
          client.sendAt(e.position, frame);
        }
        at = e.position;
      }
      await client.drained();
    }
  }

  /** Drops sockets that did not answer the last ping (a peer gone without closing). */
  private beat(): void {
    for (const set of this.byUser.values()) {
      for (const client of set) {
        if (!client.alive) {
          client.ws.terminate();
          continue;
        }
        client.alive = false;
        client.ws.ping();
      }
    }
  }
}
