import { AggregateRepository } from '../commands/shared/aggregate-repository.js';
import { openIdentityStores, type IdentityStores } from '../commands/users/identity-stores.js';
import { SnapshotStore } from '../commands/shared/snapshots.js';
import { ConfigError, loadConfig, type Config } from '../config/config.js';
import { createLogger, type Logger } from '../infra/logger.js';
import { openInfrastructure, type Infrastructure } from '../infra/open-infrastructure.js';
import { UsageError } from './command.js';

export interface CliInfrastructure extends IdentityStores {
  config: Config;
  logger: Logger;
  infra: Infrastructure;
  repo: AggregateRepository;
}

/**
 * Opens the same stores the service uses (from the same environment), runs
 * `work`, and always closes them. With embedded PGlite, stop the service first:
 * one process per data folder.
 */
export async function withInfrastructure<T>(work: (cli: CliInfrastructure) => Promise<T>): Promise<T> {
  const config = cliConfig(loadConfig);
  const logger = createLogger({ logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel }, 'nexus-cli');
  const infra = await openInfrastructure(config, logger);
  try {
    const repo = new AggregateRepository(infra.opened, new SnapshotStore(infra.db));
    return await work({ config, logger, infra, repo, ...(await openIdentityStores(infra.db, config)) });
  } finally {
    await infra.close();
  }
}

/** A configuration loader's result, or a clean CLI error naming the variable. */
export function cliConfig<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`configuration error: ${error.problems.join('; ')} (see .env.example)`);
    throw error;
  }
}
