import { existsSync } from 'node:fs';
import { loadCheckpointConfig, type CheckpointConfig } from './checkpoint-config.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { loadRiskConfig, type RiskConfig } from './risk-config.js';

type Env = Record<string, string | undefined>;

/**
 * Loads `.env` (or the file ENV_FILE names) into the environment when it exists;
 * a variable already set in the environment wins. Returns the file read.
 */
export function loadDotEnv(env: Env = process.env): string | undefined {
  const file = env.ENV_FILE || '.env';
  if (!existsSync(file)) {
    if (env.ENV_FILE) throw new ConfigError(`ENV_FILE: ${file} does not exist`);
    return undefined;
  }
  try {
    process.loadEnvFile(file);
  } catch (error) {
    throw new ConfigError(`${file}: cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  return file;
}

/** Every setting a process of the service reads. */
export interface Settings {
  config: Config;
  risk: RiskConfig;
  checkpoints: CheckpointConfig;
}

/**
 * Reads and checks every setting before anything is opened, and reports every
 * bad one at once (a ConfigError whose `problems` has one line per variable).
 */
export function loadSettings(env: Env = process.env): Settings {
  const problems: string[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const config = attempt(() => loadConfig(env));
  const risk = attempt(() => loadRiskConfig(env));
  const checkpoints = config && attempt(() => loadCheckpointConfig(config, env));
  if (problems.length > 0 || !config || !risk || !checkpoints) throw new ConfigError(problems);
  return { config, risk, checkpoints };
}

/** How a process that cannot start says so: one line per problem on stderr. */
export function reportConfigError(error: ConfigError): void {
  for (const problem of error.problems) console.error(`configuration error: ${problem}`);
  console.error('(every variable is described in .env.example)');
}
