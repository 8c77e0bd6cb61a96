import express, { type Router } from 'express';
import { timingSafeEqual } from 'node:crypto';
import type { EventStore } from '../../eventstore/port.js';
import { projectionLagEvents, projectionLagSeconds, registry } from '../../infra/metrics.js';
import type { ProjectionRuntime } from '../../projections/runtime/runtime.js';
import type { ReadModels } from '../../projections/read-models.js';
import type { AppDeps } from '../deps.js';
import { HttpProblem, notFoundProblem, unauthorized } from '../problem.js';

const READY_TIMEOUT_MS = 2_000;

export interface Readiness {
  ready: boolean;
  database: 'ok' | 'unreachable';
  /** The read model furthest behind: events between its checkpoint and the head, and the age of the oldest it has not applied. */
  read_models: { lag_events: number; lag_seconds: number } | null;
  reason?: string;
}

/** Database reachable and every read model within the configured lag. */
async function readiness(deps: AppDeps): Promise<Readiness> {
  const { readyMaxLagEvents, readyMaxLagSeconds } = deps.config.observability;
  const runtime = (deps.readModels as Partial<ReadModels>).runtime;
  try {
    await deps.db.query('select 1');
    if (!runtime) return { ready: true, database: 'ok', read_models: null };
    const status = await runtime.status();
    const behind = status.projections.reduce((worst, p) => (BigInt(p.lag) > BigInt(worst.lag) ? p : worst), status.projections[0]!);
    const lagEvents = Number(behind.lag);
    const lagSeconds = lagEvents > 0 ? await ageAfter(deps.store, BigInt(behind.position)) : 0;
    const tooFar = lagEvents > readyMaxLagEvents || lagSeconds > readyMaxLagSeconds;
    return {
      ready: !tooFar,
      database: 'ok',
      read_models: { lag_events: lagEvents, lag_seconds: lagSeconds },
      ...(tooFar ? { reason: `read models behind: ${lagEvents} events, ${lagSeconds} s (limits ${readyMaxLagEvents} events, ${readyMaxLagSeconds} s)` } : {}),
    };
  } catch {
    return { ready: false, database: 'unreachable', read_models: null, reason: 'the database did not answer' };
  }
}

/** How old the first event after `position` is, in whole seconds (0 when there is none). */
async function ageAfter(store: EventStore, position: bigint): Promise<number> {
  const [oldest] = await store.readAll({ fromPosition: position, max: 1 });
  return oldest ? Math.max(0, Math.round((Date.now() - oldest.recorded_at.getTime()) / 1000)) : 0;
}

/** Sets the projector lag gauges from the runtime's checkpoints (on each scrape). */
async function measureProjectionLag(runtime: ProjectionRuntime, store: EventStore): Promise<void> {
  const status = await runtime.status();
  for (const p of status.projections) {
    projectionLagEvents.set({ projection: p.name }, Number(p.lag));
    projectionLagSeconds.set({ projection: p.name }, BigInt(p.lag) > 0n ? await ageAfter(store, BigInt(p.position)) : 0);
  }
}

const withTimeout = <T>(work: Promise<T>, fallback: T): Promise<T> =>
  Promise.race([work, new Promise<T>((resolve) => setTimeout(() => resolve(fallback), READY_TIMEOUT_MS).unref())]);

const sameSecret = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Probes and metrics, answered before authentication: /health and /health/live
 * (the process answers), /health/ready (database and read-model lag), and
 * /metrics (Prometheus; behind METRICS_TOKEN when set, off in production without it).
 * None shows a business figure.
 */
export function healthRoutes(deps: AppDeps): Router {
  const router = express.Router();
  const live = { status: 'ok' };

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', event_store: deps.store.kind });
  });
  router.get('/health/live', (_req, res) => {
    res.json(live);
  });
  router.get('/health/ready', async (_req, res) => {
    const r = await withTimeout(readiness(deps), { ready: false, database: 'unreachable', read_models: null, reason: `no answer within ${READY_TIMEOUT_MS} ms` } satisfies Readiness);
    if (!r.ready) res.setHeader('Retry-After', '5');
    res.status(r.ready ? 200 : 503).json({ status: r.ready ? 'ready' : 'not_ready', database: r.database, read_models: r.read_models, ...(r.reason ? { reason: r.reason } : {}) });
  });
  router.get('/metrics', async (req, res) => {
    const { metricsToken } = deps.config.observability;
    if (!metricsToken && deps.config.nodeEnv === 'production') throw notFoundProblem('Metrics are off: set METRICS_TOKEN to serve them.');
    if (metricsToken) {
      const sent = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
      if (!sent) throw unauthorized('GET /metrics needs the bearer token METRICS_TOKEN.');
      if (!sameSecret(sent, metricsToken)) throw new HttpProblem(403, 'permission_denied', 'That is not the metrics token.');
    }
    const runtime = (deps.readModels as Partial<ReadModels>).runtime;
    // Lag is measured for the scrape; a database that does not answer leaves the last values.
    if (runtime) await withTimeout(measureProjectionLag(runtime, deps.store).catch(() => undefined), undefined);
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
