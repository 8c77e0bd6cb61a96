/**
 * The long-running followers of the whole log, started in one place: the API
 * process runs them beside in-process projectors, `npm run projector` beside
 * its own. Each reads `$all` from its checkpoint in cmd.process_checkpoints.
 */
import { AggregateRepository } from '../commands/shared/aggregate-repository.js';
import { SnapshotStore } from '../commands/shared/snapshots.js';
import type { ChainCheckpoints } from '../commands/checkpoints/chain-checkpoints.js';
import type { RiskConfig } from '../config/risk-config.js';
import type { Infrastructure } from '../infra/open-infrastructure.js';
import type { Logger } from '../infra/logger.js';
import { CheckpointSchedule } from './checkpoint-schedule.js';
import { HoldExpiryProcess } from './hold-expiry-process.js';
import { RiskProcess } from './risk/risk-process.js';
import { SettlementProcess } from './settlement-process.js';

export interface ProcessOptions {
  risk: RiskConfig;
  /** Signs checkpoints periodically when a signer is configured here. */
  checkpoints: ChainCheckpoints;
}

export interface RunningProcesses {
  stop(): Promise<void>;
}

/** Starts the settlement, hold expiry and risk processes and the checkpoint schedule. */
export function startProcesses(infra: Infrastructure, logger: Logger, options: ProcessOptions): RunningProcesses {
  // Each process decides on its own repository (its own cache and stream queues); they read events opened.
  const repo = () => new AggregateRepository(infra.opened, new SnapshotStore(infra.db));
  const followers = [
    new SettlementProcess(infra.opened, infra.db, repo(), logger.child({ component: 'settlement' })),
    new HoldExpiryProcess(infra.opened, infra.db, repo(), logger.child({ component: 'hold-expiry' })),
    new RiskProcess(infra.opened, infra.db, repo(), options.risk, logger.child({ component: 'risk' })),
  ];
  const { signer, intervalSeconds } = options.checkpoints;
  const schedule = signer ? new CheckpointSchedule(signer, infra.store, logger.child({ component: 'checkpoints' }), intervalSeconds * 1000) : undefined;
  for (const follower of followers) follower.start();
  schedule?.start();
  return {
    async stop() {
      for (const follower of followers) await follower.stop();
      await schedule?.stop();
    },
  };
}
