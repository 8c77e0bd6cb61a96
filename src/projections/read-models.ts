import type { Config } from '../config/config.js';
import type { ReadModelSync } from '../http/middleware/min-position.js';
import type { Infrastructure } from '../infra/open-infrastructure.js';
import type { Logger } from '../infra/logger.js';

export interface ReadModels extends ReadModelSync {
  stop(): Promise<void>;
}

/** Placeholder until the projector runtime lands: no read models, nothing to wait for. */
export async function startReadModels(_config: Config, _logger: Logger, infra: Infrastructure): Promise<ReadModels> {
  return {
    waitForPosition: async (position) => (await infra.store.headPosition()) >= position,
    stop: async () => undefined,
  };
}
