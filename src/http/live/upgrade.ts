import { ServerResponse, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

interface PendingUpgrade {
  socket: Socket;
  head: Buffer;
  res: ServerResponse;
}

/** A client frame is a ping: anything over 1 kB is refused (1009). */
const MAX_CLIENT_FRAME_BYTES = 1024;
const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME_BYTES, clientTracking: false, perMessageDeflate: false });
const pending = new WeakMap<IncomingMessage, PendingUpgrade>();

/**
 * Runs every WebSocket upgrade request through the same Express app as the
 * other requests (client IP, blacklist, authentication, rate limits, the
 * contract's security and parameter checks, min_position): a refusal is an
 * ordinary HTTP answer (401 problem+json, ...) on the socket, which is then
 * closed; the route of an upgradable path accepts it with `acceptUpgrade`.
 */
export function serveUpgrades(server: Server, app: (req: IncomingMessage, res: ServerResponse) => void): void {
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const res = new ServerResponse(req);
    res.assignSocket(socket);
    res.shouldKeepAlive = false;
    res.on('finish', () => socket.end());
    pending.set(req, { socket, head, res });
    app(req, res);
  });
}

/** For a request that asked to upgrade: completes the WebSocket handshake (101) and calls `onSocket`. Undefined for a plain request. */
export function upgradeOf(req: IncomingMessage): ((onSocket: (ws: WebSocket) => void) => void) | undefined {
  const upgrade = pending.get(req);
  if (!upgrade) return undefined;
  pending.delete(req);
  return (onSocket) => {
    upgrade.res.detachSocket(upgrade.socket);
    sockets.handleUpgrade(req, upgrade.socket, upgrade.head, onSocket);
  };
}
