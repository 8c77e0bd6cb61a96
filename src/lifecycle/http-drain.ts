import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import { PROBLEM_JSON, serviceUnavailableBody, UNAVAILABLE_RETRY_AFTER_SECONDS } from '../http/middleware/errors.js';

export interface DrainResult {
  /** Requests in flight when the drain began. */
  inFlight: number;
  /** Of those, answered 503 because they had not finished within the grace. */
  cutOff: number;
  /** Requests that arrived on open connections during the drain (answered 503). */
  refused: number;
}

export interface DrainableServer {
  server: Server;
  /** Requests being handled now. */
  inFlight(): number;
  /**
   * Answers new requests 503 with Retry-After and `Connection: close`, waits
   * up to `graceMs` for the requests in flight, answers the ones still running
   * 503 the same way, then stops accepting connections and closes them all.
   */
  drain(graceMs: number): Promise<DrainResult>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** How long answers written at the cut-off get to reach their clients. */
const FLUSH_MS = 1_000;
/**
 * Before the connections close: how long no request may have arrived (a
 * request the process has received but not yet read would be reset by the
 * close), and the most that wait may take.
 */
const QUIET_MS = 300;
const QUIET_MAX_MS = 2_000;
/** The most the clients get to close their connections once the listener is closed. */
const CLOSE_MAX_MS = 2_000;

/** 503 `service_unavailable` written directly (the request never reaches, or is taken from, the app). */
function answerStopping(req: IncomingMessage, res: ServerResponse): void {
  const body = JSON.stringify(serviceUnavailableBody('The service is shutting down.', req.url));
  res.writeHead(503, {
    'Content-Type': PROBLEM_JSON,
    'Content-Length': Buffer.byteLength(body),
    'Retry-After': String(UNAVAILABLE_RETRY_AFTER_SECONDS),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    Connection: 'close',
  });
  res.end(body);
}

/** An HTTP server around `handler` that can stop without dropping a request it accepted. */
export function drainableServer(handler: RequestListener): DrainableServer {
  const running = new Map<ServerResponse, IncomingMessage>();
  let draining = false;
  let refused = 0;
  let lastArrival = 0;
  let settle: (() => void) | undefined;
  const sockets = new Set<Socket>();
  /** Connections that have carried a request, and those whose last answer said `Connection: close` (their clients close them). */
  const used = new WeakSet<Socket>();
  const toldToClose = new WeakSet<Socket>();

  const server = createServer((req, res) => {
    used.add(req.socket);
    if (draining) {
      refused++;
      lastArrival = Date.now();
      toldToClose.add(req.socket);
      answerStopping(req, res);
      return;
    }
    running.set(res, req);
    res.once('close', () => {
      running.delete(res);
      if (running.size === 0) settle?.();
    });
    handler(req, res);
  });

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  /** Resolves once every connection has closed, or after `ms`. */
  const allClosed = async (ms: number) => {
    const by = Date.now() + ms;
    while (sockets.size > 0 && Date.now() < by) await sleep(50);
  };

  const allDone = (ms: number) =>
    running.size === 0
      ? Promise.resolve()
      : Promise.race([new Promise<void>((resolve) => (settle = resolve)), sleep(ms)]).finally(() => (settle = undefined));

  return {
    server,
    inFlight: () => running.size,
    async drain(graceMs: number): Promise<DrainResult> {
      draining = true;
      const inFlight = running.size;
      // Whatever is answered from now on ends its connection. The listener and the idle connections stay
      // open while requests finish, so a request that reaches this process now gets a 503 rather than a
      // reset (closing a listener resets what waits in its backlog; closing a connection, as
      // server.close() does with idle ones, resets a request on it not yet read).
      for (const [res, req] of running) {
        if (res.headersSent) continue;
        res.setHeader('Connection', 'close');
        toldToClose.add(req.socket);
      }
      await allDone(graceMs);
      let cutOff = 0;
      for (const [res, req] of running) {
        if (res.headersSent) continue;
        cutOff++;
        toldToClose.add(req.socket);
        answerStopping(req, res);
      }
      await allDone(FLUSH_MS);
      // Until requests stop coming, each gets its 503. Then stop accepting and close the kept-alive
      // connections that are idle, but leave the others to their clients for a while: a connection just
      // opened still gets its request answered 503, and a request a client had queued on one told
      // `Connection: close` finds the port closed (refused) instead of being cut off unanswered
      // (http.Server#close would close all of those at once). Then close the rest.
      const quietBy = Date.now() + QUIET_MAX_MS;
      lastArrival = Date.now();
      while (Date.now() < quietBy && Date.now() - lastArrival < QUIET_MS) await sleep(50);
      NetServer.prototype.close.call(server);
      for (const socket of sockets) if (used.has(socket) && !toldToClose.has(socket)) socket.destroy();
      await allClosed(CLOSE_MAX_MS);
      server.closeAllConnections();
      return { inFlight, cutOff, refused };
    },
  };
}
