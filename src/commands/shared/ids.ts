import { nameBasedIds } from '../../infra/name-based-id.js';

const idOf = nameBasedIds('a3c1f6de-5d0f-4f1e-9b7a-3f4d2c1b0e9a');

/** A uuid derived from its parts: the same parts always give the same id. */
export function deterministicId(...parts: string[]): string {
  return idOf(parts.join('\u001f'));
}

/** Event ids for one command: `<seed>/<index>/<type>`. */
export const idsFrom = (seed: string) => (event: { type: string }, index: number): string =>
  deterministicId(seed, String(index), event.type);
