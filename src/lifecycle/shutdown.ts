import type { Logger } from '../infra/logger.js';

/** How long the followers (projectors, processes) get to finish their batch and save their checkpoint. */
export const FOLLOWERS_STOP_MS = 5_000;

/**
 * Runs one step of a shutdown for at most `ms`: its failure or its overrun is
 * logged, never thrown, so the steps after it (closing the pools) still run.
 */
export async function bounded(logger: Logger, step: string, work: () => Promise<unknown>, ms: number): Promise<'done' | 'failed' | 'timed out'> {
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    work().then(
      () => 'done' as const,
      (error: unknown) => {
        logger.warn({ err: error, step }, 'shutdown step failed');
        return 'failed' as const;
      },
    ),
    new Promise<'timed out'>((resolve) => (timer = setTimeout(() => resolve('timed out'), ms))),
  ]);
  clearTimeout(timer);
  if (outcome === 'timed out') logger.warn({ step, ms }, 'shutdown step did not finish in time; going on');
  return outcome;
}

/**
 * Calls `stop` once on the first SIGTERM or SIGINT (a second signal is
 * ignored: the stop is already bounded), then exits with code 0.
 */
export function stopOnSignals(logger: Logger, stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.info({ signal }, 'already stopping');
      return;
    }
    stopping = true;
    stop(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}
