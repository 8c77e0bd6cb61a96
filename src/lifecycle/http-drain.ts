import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
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
   * Stops accepting connections, answers new requests on open connections 503
   * with Retry-After and `Connection: close`, waits up to `graceMs` for the
   * requests in flight, answers the ones still running 503 the same way, and
   * closes every connection.
   */
  drain(graceMs: number): Promise<DrainResult>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** How long answers written at the cut-off get to reach their clients before the sockets are closed. */
const FLUSH_MS = 1_000;

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
  let settle: (() => void) | undefined;

  const server = createServer((req, res) => {
    if (draining) {
      refused++;
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
      server.close();
      server.closeIdleConnections();
      // Whatever is answered from now on ends its connection.
      for (const res of running.keys()) if (!res.headersSent) res.setHeader('Connection', 'close');
      await allDone(graceMs);
      let cutOff = 0;
      for (const [res, req] of running) {
        if (res.headersSent) continue;
        cutOff++;
        answerStopping(req, res);
      }
      await allDone(FLUSH_MS);
      server.closeAllConnections();
      return { inFlight, cutOff, refused };
    },
  };
}
