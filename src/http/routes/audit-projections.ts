import express, { type Router } from 'express';
import type { Queryable } from '../../infra/db.js';
import type { ReadModels } from '../../projections/read-models.js';
import type { ProjectionRuntime, ProjectionStatus } from '../../projections/runtime/runtime.js';
import type { AppDeps } from '../deps.js';
import { HttpProblem, notFoundProblem } from '../problem.js';
import { requireAuditor } from './audit.js';

interface RebuildRow {
  name: string;
  state: string;
  position: string;
  target_position: string;
  events_applied: string;
  started_at: Date;
  finished_at: Date | null;
  error: string | null;
}

async function lastRebuilds(db: Queryable): Promise<Map<string, RebuildRow>> {
  const rows = await db.query<RebuildRow>(
    `select name, state, position::text as position, target_position::text as target_position,
            events_applied::text as events_applied, started_at, finished_at, error from rm_meta.rebuilds`,
  );
  return new Map(rows.map((r) => [r.name, r]));
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function withHistory(p: ProjectionStatus, r: RebuildRow | undefined) {
  return {
    ...p,
    last_rebuild: r
      ? { state: r.state, position: r.position, target_position: r.target_position, events_applied: r.events_applied, started_at: iso(r.started_at)!, finished_at: iso(r.finished_at), error: r.error }
      : null,
  };
}

/** Every projection's status with its last rebuild. */
async function statusWithHistory(runtime: ProjectionRuntime, db: Queryable) {
  const [status, rebuilds] = await Promise.all([runtime.status(), lastRebuilds(db)]);
  return { ...status, projections: status.projections.map((p) => withHistory(p, rebuilds.get(p.name))) };
}

/** The service's projection runtime (present whenever the read models were started here). */
function runtimeOf(deps: AppDeps): ProjectionRuntime {
  const runtime = (deps.readModels as Partial<ReadModels>).runtime;
  if (!runtime) throw new HttpProblem(503, 'projections_unavailable', 'This process runs no projection runtime.');
  return runtime;
}

/** Checkpoints, lag and rebuilds of the read models. */
export function auditProjectionRoutes(deps: AppDeps): Router {
  const router = express.Router();

  router.get('/audit/projections', requireAuditor, async (_req, res) => {
    res.json(await statusWithHistory(runtimeOf(deps), deps.db));
  });

  router.post('/audit/projections/rebuild', requireAuditor, async (_req, res) => {
    const runtime = runtimeOf(deps);
    const running = runtime.projections.find((p) => runtime.isRebuilding(p.name));
    if (running) throw new HttpProblem(409, 'rebuild_running', `Projection ${running.name} is being rebuilt.`);
    // One read of the log for all of them, in the background; outcomes in rm_meta.rebuilds and the log.
    void runtime.rebuildAll();
    res.status(202).json(await statusWithHistory(runtime, deps.db));
  });

  router.post('/audit/projections/:name/rebuild', requireAuditor, async (req, res) => {
    const runtime = runtimeOf(deps);
    const name = String(req.params.name);
    if (!runtime.projections.some((p) => p.name === name)) throw notFoundProblem('Projection not found.');
    if (runtime.isRebuilding(name)) throw new HttpProblem(409, 'rebuild_running', `Projection ${name} is already being rebuilt.`);
    // Runs in the background; its outcome is recorded in rm_meta.rebuilds and logged by the runtime.
    runtime.rebuild(name).catch(() => undefined);
    const [status, rebuilds] = await Promise.all([runtime.status(), lastRebuilds(deps.db)]);
    res.status(202).json(withHistory(status.projections.find((p) => p.name === name)!, rebuilds.get(name)));
  });

  return router;
}
