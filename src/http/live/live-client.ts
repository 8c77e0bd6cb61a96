import { WebSocket } from 'ws';
import type { Principal } from '../auth/principal.js';

/** Unsent bytes beyond which a client reading too slowly is closed (1013): it resumes from its last position. */
export const MAX_UNSENT_BYTES = 4 * 1024 * 1024;
/** While replaying, the replay waits for the client instead of filling its buffer past this. */
const REPLAY_UNSENT_BYTES = 256 * 1024;

export type Frame = { type: string; position?: string; [key: string]: unknown };

/**
 * One connected socket. Until `goLive` it is catching up: frames of live
 * events are kept back, in order, while the missed ones are replayed from the
 * log; then the kept ones follow. Frames are sent in strictly increasing
 * event position: one already sent (replayed, or seen before the resume
 * position) is never sent again, so nothing is doubled.
 */
export class LiveClient {
  private live = false;
  private held: { position: bigint; frame: Frame }[] = [];
  private expiry: NodeJS.Timeout | undefined;
  /** Answered the last heartbeat ping. */
  alive = true;

  constructor(
    readonly ws: WebSocket,
    readonly principal: Principal,
    /** The position the client has everything up to. */
    private sentUpTo: bigint,
  ) {
    if (principal.expires_at !== undefined) {
      const ms = principal.expires_at * 1000 - Date.now();
      this.expiry = setTimeout(() => this.close(4001, 'token_expired'), Math.max(0, Math.min(ms, 2 ** 31 - 1)));
      this.expiry.unref();
    }
    ws.once('close', () => clearTimeout(this.expiry));
  }

  get user_id(): string {
    return this.principal.user_id;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** A frame of the live event at `position`: sent, or kept back while catching up. */
  deliver(position: bigint, frame: Frame): void {
    if (this.live) this.sendAt(position, frame);
    else this.held.push({ position, frame });
  }

  /** A frame at `position`, unless the client already has that position. */
  sendAt(position: bigint, frame: Frame): void {
    if (position <= this.sentUpTo) return;
    this.sentUpTo = position;
    this.send(frame);
  }

  send(frame: Frame): void {
    if (!this.open) return;
    if (this.ws.bufferedAmount > MAX_UNSENT_BYTES) return this.close(1013, 'client_too_slow');
    this.ws.send(JSON.stringify(frame));
  }

  /** Resolves once the client has taken most of what was sent (a replay must not buffer the whole log). */
  async drained(): Promise<void> {
    while (this.open && this.ws.bufferedAmount > REPLAY_UNSENT_BYTES) await new Promise((r) => setTimeout(r, 5));
  }

  /** Ends the catch-up: the frames kept back follow, then every frame goes out as it comes. */
  goLive(): void {
    const held = this.held;
    this.held = [];
    this.live = true;
    for (const { position, frame } of held) this.sendAt(position, frame);
  }

  close(code: number, reason: string): void {
    clearTimeout(this.expiry);
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
  }
}
