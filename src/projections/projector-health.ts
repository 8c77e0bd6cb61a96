import { createServer, type Server } from 'node:http';
import type { RuntimeStatus } from './runtime/runtime.js';

/** A projection behind the head whose position has not moved for this long is stalled. */
export const STALL_MS = 60_000;
const STATUS_TIMEOUT_MS = 2_000;

export interface ProjectorHealth {
  healthy: boolean;
  /** Why not, when not healthy. */
  reason?: string;
}

/**
 * Judges the projector process from its own status, read from the database:
 * unhealthy when the status cannot be read (database unreachable, event loop
 * stuck past the timeout) or when a projection that is behind the head has not
 * moved (live position, or rebuild position) for `stallMs`. Progress is
 * remembered between checks, so a check can only call a projection stalled
 * after it saw it standing still that long.
 */
export function projectorHealthCheck(status: () => Promise<RuntimeStatus>, stallMs = STALL_MS, now = Date.now): () => Promise<ProjectorHealth> {
  const seen = new Map<string, { at: string; since: number }>();
  return async () => {
    let current: RuntimeStatus;
    try {
      current = await Promise.race([
        status(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no status within ${STATUS_TIMEOUT_MS} ms`)), STATUS_TIMEOUT_MS).unref()),
      ]);
    } catch (error) {
      return { healthy: false, reason: `status unreadable: ${error instanceof Error ? error.message : String(error)}` };
    }
    const stalled: string[] = [];
    for (const p of current.projections) {
      const at = p.rebuild ? `rebuild:${p.rebuild.position}` : p.position;
      const last = seen.get(p.name);
      if (!last || last.at !== at) seen.set(p.name, { at, since: now() });
      else if (BigInt(p.lag) > 0n && now() - last.since >= stallMs) stalled.push(p.name);
    }
    return stalled.length > 0 ? { healthy: false, reason: `not moving for ${stallMs / 1000} s while behind: ${stalled.join(', ')}` } : { healthy: true };
  };
}

/** GET /health of the projector process: 200 `{"status":"ok"}` or 503 with the reason. Nothing else is served. */
export async function startProjectorHealthServer(port: number, host: string, check: () => Promise<ProjectorHealth>): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').replace(/\/+$/, '') !== '/health') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"status":"not_found"}');
      return;
    }
    void check().then((health) => {
      res.writeHead(health.healthy ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(health.healthy ? { status: 'ok' } : { status: 'unhealthy', reason: health.reason }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
