/**
 * Whether transfers take the one-commit path (move-money-atomic.ts) where the
 * store can append to several streams atomically. Off by default: measured on
 * 2026-12-05 (`bench:transfers`, quiet machine, same run) it cut HTTP transfers
 * from 0.39 to 0.23 of the bare transaction and raised PostgreSQL's CPU per
 * transfer from 0.88 to 2.47 ms, because each atomic transfer leaves the
 * per-stream group commit. TRANSFER_ATOMIC_COMMIT=true turns it on
 * (validated by config.ts).
 */
let enabled: boolean | undefined;

export function atomicTransfers(): boolean {
  if (enabled === undefined) enabled = process.env.TRANSFER_ATOMIC_COMMIT === 'true';
  return enabled;
}

/** For tests and benches that compare both paths in one process. */
export function setAtomicTransfers(on: boolean): void {
  enabled = on;
}
