import type { Config } from '../config/config.js';
import type { ReadModelSync } from '../http/middleware/min-position.js';
import type { Infrastructure } from '../infra/open-infrastructure.js';
import type { Logger } from '../infra/logger.js';
import { allProjections } from './registry.js';
import type { Projection } from './runtime/projection.js';
import { ProjectionRuntime } from './runtime/runtime.js';

export interface ReadModels extends ReadModelSync {
  runtime: ProjectionRuntime;
  /** True when the projectors (and the settlement process) run in this process. */
  projecting: boolean;
  stop(): Promise<void>;
}

/**
 * Starts the projection runtime for the service. With PROJECTOR_IN_PROCESS
 * (the default, and always with PGlite) the projectors run here; otherwise a
 * separate `npm run projector` process runs them and this one only follows
 * their checkpoints to answer `min_position`.
 */
export async function startReadModels(
  config: Config,
  logger: Logger,
  infra: Infrastructure,
  projections: Projection[] = allProjections(),
): Promise<ReadModels> {
  const project = config.projectorInProcess || infra.db.kind === 'pglite';
  // Projections build their rows from events with personal fields opened.
  const runtime = new ProjectionRuntime(infra.opened, infra.db, logger.child({ component: 'projector' }), projections, { project, minGapMs: config.projectorBatchGapMs });
  await runtime.start();
  const unsubscribe = project ? infra.store.onAppended?.(() => runtime.nudge()) : undefined;
  return {
    runtime,
    projecting: project,
    waitForPosition: (position, timeoutMs) => runtime.waitForPosition(position, timeoutMs),
    async stop() {
      unsubscribe?.();
      await runtime.stop();
    },
  };
}
