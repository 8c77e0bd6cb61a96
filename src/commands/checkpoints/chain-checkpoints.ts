import type { CheckpointConfig } from '../../config/checkpoint-config.js';
import type { EventStore } from '../../eventstore/port.js';
import type { CheckpointKey } from '../../infra/checkpoint-keys.js';
import type { Logger } from '../../infra/logger.js';
import { CheckpointSigner } from './checkpoint-signer.js';

/** Signed checkpoints as one process has them. */
export interface ChainCheckpoints {
  /** Signs on demand (and periodically once started); undefined when checkpoints are off here. */
  signer: CheckpointSigner | undefined;
  /** The public keys checkpoints may be signed by (the signing key's first). */
  trustedKeys: CheckpointKey[];
  intervalSeconds: number;
}

export function createChainCheckpoints(config: CheckpointConfig, store: EventStore, logger: Logger): ChainCheckpoints {
  const signer = config.enabled && config.signingKey ? new CheckpointSigner(store, config.signingKey, config.trustedKeys, logger) : undefined;
  if (signer) logger.info({ key_id: signer.key.keyId, key_source: config.keySource, interval_seconds: config.intervalSeconds }, 'chain checkpoints on');
  return { signer, trustedKeys: config.trustedKeys, intervalSeconds: config.intervalSeconds };
}
