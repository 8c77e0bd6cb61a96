/**
 * A small round-robin HTTP load balancer (node:http only) in front of several
 * API processes, for the horizontal test (tests/faults/horizontal.test.ts) and
 * the scale-out bench (bench/scale-out.ts). Each request goes to the next
 * upstream in turn (per request, not per connection, over keep-alive upstream
 * connections), with `X-Forwarded-For` appended as a real proxy does. A request
 * whose upstream refuses the connection (a process down) is sent to the next
 * one, as a load balancer's passive health check would; any other upstream
 * failure is a 502. WebSocket upgrades are not proxied. With `affinity:
 * 'authorization'`, the first request carrying an Authorization header goes
 * to the next upstream in turn and every later one with the same header to
 * that upstream (as HAProxy's `stick on req.hdr(authorization)`), so one
 * client's requests, and the writes to its accounts, stay on one process.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RoundRobinProxy {
  url: string;
  /** Requests answered by each upstream, in the order given. */
  counts: number[];
  stop(): Promise<void>;
}

/** Below the service's keep-alive timeout (src/main.ts, 5 s), as a load balancer's idle timeout must be. */
const UPSTREAM_IDLE_MS = 4_000;

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

export interface ProxyOptions {
  /** Keep each Authorization header on the upstream its first request went to (round robin without one). Default: round robin. */
  affinity?: 'authorization';
}

/** Clients remembered by `affinity` (a stick table's size: the oldest are forgotten beyond it). */
const STICK_TABLE_SIZE = 100_000;

export async function startRoundRobinProxy(upstreams: readonly string[], options: ProxyOptions = {}): Promise<RoundRobinProxy> {
  if (upstreams.length === 0) throw new Error('a proxy needs at least one upstream');
  const targets = upstreams.map((u) => new URL(u));
  // Idle upstream sockets are closed before the service closes them (its keepAliveTimeout is 5 s): a
  // request sent on a socket the upstream is closing at that moment fails with ECONNRESET, a 502.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, timeout: UPSTREAM_IDLE_MS });
  const counts = targets.map(() => 0);
  let next = 0;
  /** With affinity: the upstream each client was given. */
  const stuck = new Map<string, number>();

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, index: number, tries: number): void => {
    const target = targets[index]!;
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
    const peer = req.socket.remoteAddress ?? '';
    headers['x-forwarded-for'] = req.headers['x-forwarded-for'] ? `${String(req.headers['x-forwarded-for'])}, ${peer}` : peer;
    headers['content-length'] = String(body.length);
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
      (answer) => {
        counts[index]!++;
        const out: http.OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
        res.writeHead(answer.statusCode ?? 502, out);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (res.headersSent) return void res.destroy();
      if (error.code === 'ECONNREFUSED' && tries + 1 < targets.length) return forward(req, res, body, (index + 1) % targets.length, tries + 1);
      res.writeHead(502, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ type: 'about:blank', title: 'Bad Gateway', status: 502, detail: `upstream ${target.host}: ${error.code ?? error.message}` }));
    });
    upstream.end(body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const client = options.affinity === 'authorization' ? req.headers.authorization : undefined;
      let index = client === undefined ? undefined : stuck.get(client);
      if (index === undefined) {
        index = next;
        next = (next + 1) % targets.length;
        if (client !== undefined) {
          if (stuck.size >= STICK_TABLE_SIZE) stuck.delete(stuck.keys().next().value!);
          stuck.set(client, index);
        }
      }
      forward(req, res, Buffer.concat(chunks), index, 0);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
