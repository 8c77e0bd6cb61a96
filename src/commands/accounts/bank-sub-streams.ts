import { isSplitAccount, MAX_SUB_STREAMS, movementStream, subStream } from '../../domain/accounts/sub-streams.js';

/** How many sub-streams each of the bank's own accounts has (BANK_STREAM_SHARDS, validated by config.ts; default 8). */
let count: number | undefined;

export const DEFAULT_BANK_STREAM_SHARDS = 8;

export function bankSubStreams(): number {
  if (count === undefined) {
    const raw = process.env.BANK_STREAM_SHARDS;
    const n = raw === undefined || raw === '' ? DEFAULT_BANK_STREAM_SHARDS : Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > MAX_SUB_STREAMS) throw new RangeError(`BANK_STREAM_SHARDS must be between 1 and ${MAX_SUB_STREAMS}, got "${raw}"`);
    count = n;
  }
  return count;
}

/** For benches and tests that compare counts in one process. */
export function setBankSubStreams(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_SUB_STREAMS) throw new RangeError(`sub-streams must be between 1 and ${MAX_SUB_STREAMS}, got ${n}`);
  count = n;
}

/**
 * The stream a transfer's (or deposit's) leg on `accountNumber` is written to:
 * for the bank's own accounts the sub-stream its id picks (the same on every
 * retry), for any other account its stream. Changing the count while
 * transfers are being settled makes such a retry write elsewhere; the store
 * refuses the repeated event id rather than count it twice.
 */
export const accountStreamFor = (accountNumber: string, transferId: string): string => movementStream(accountNumber, transferId, bankSubStreams());

/** Every stream an account's movements are written to: the bank's own accounts' sub-streams, or the account's one stream. */
export const accountStreamsOf = (accountNumber: string): string[] =>
  isSplitAccount(accountNumber) ? Array.from({ length: bankSubStreams() }, (_, k) => subStream(accountNumber, k)) : [subStream(accountNumber, 0)];
