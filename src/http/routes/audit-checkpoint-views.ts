import type { CheckpointCheck } from '../../audit/checkpoint-check.js';
import type { CheckpointKey } from '../../infra/checkpoint-keys.js';
import type { components } from '../generated/openapi.js';

type Schemas = components['schemas'];

export function checkpointCheckView(c: CheckpointCheck): Schemas['CheckpointCheck'] {
  return { ...c, position: c.position.toString() };
}

export function publicKeyView(k: CheckpointKey): Schemas['CheckpointPublicKey'] {
  return { key_id: k.keyId, algorithm: 'Ed25519', public_key: k.publicPem };
}
