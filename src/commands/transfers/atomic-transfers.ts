import { parseBool } from '../../config/config.js';

/**
 * Whether transfers take the one-commit path (move-money-atomic.ts) where the
 * store can append to several streams atomically. On by default: transfers
 * that arrive together are decided as a group and written in one multi-stream
 * append (commands/shared/atomic-lane.ts), so a busy fee or FX stream takes
 * many transfers' legs under one expected revision. TRANSFER_ATOMIC_COMMIT=false
 * moves money stream by stream instead (validated by config.ts).
 */
let enabled: boolean | undefined;

export function atomicTransfers(): boolean {
  // Read as config.ts reads it (0/false/no/off turn it off), which has validated it at start.
  if (enabled === undefined) enabled = parseBool(process.env.TRANSFER_ATOMIC_COMMIT) ?? true;
  return enabled;
}

/** For tests and benches that compare both paths in one process. */
export function setAtomicTransfers(on: boolean): void {
  enabled = on;
}
