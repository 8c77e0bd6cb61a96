import type { AccountEvent } from '../domain/accounts/events.js';
import { isSplitAccount, MAX_SUB_STREAMS, subStream } from '../domain/accounts/sub-streams.js';
import type { AsOf } from '../domain/audit/as-of.js';
import { emptyReplay, replayBalance, sumReplays, type BalanceReplay, type LedgerEntry } from '../domain/audit/balance-as-of.js';
import type { EventStore, RecordedEvent } from '../eventstore/port.js';

const PAGE = 1_000;

export const toLedgerEntry = (e: RecordedEvent): LedgerEntry => ({
  revision: e.revision,
  position: e.position,
  occurred_at: e.metadata.occurred_at,
  event: { type: e.type, data: e.data } as unknown as AccountEvent,
});

/** Replays one stream from revision 0, a page at a time, up to `asOf`; undefined when the stream does not exist. */
async function replayStream(store: EventStore, stream: string, accountNumber: string, asOf: AsOf): Promise<BalanceReplay | undefined> {
  let replay = emptyReplay(accountNumber);
  let from = 0n;
  for (;;) {
    const page = await store.readStream(stream, { from, max: PAGE });
    if (from === 0n && page.length === 0) return undefined;
    const step = replayBalance(accountNumber, page.map(toLedgerEntry), asOf, replay);
    replay = step.replay;
    if (step.reachedEnd || page.length < PAGE) return replay;
    from = page[page.length - 1]!.revision + 1n;
  }
}

/**
 * Replays an account's stream from revision 0 (never a snapshot, never the
 * read model) up to `asOf`, a page at a time, stopping at the first event
 * past it. An account split into sub-streams (the bank's own) is the sum of
 * every sub-stream that exists (0, 1, … opened in order), whatever count the
 * service runs with now.
 */
export async function accountBalanceAsOf(store: EventStore, accountNumber: string, asOf: AsOf): Promise<BalanceReplay> {
  const replays: BalanceReplay[] = [];
  const count = isSplitAccount(accountNumber) ? MAX_SUB_STREAMS : 1;
  for (let k = 0; k < count; k++) {
    const replay = await replayStream(store, subStream(accountNumber, k), accountNumber, asOf);
    if (!replay) break;
    replays.push(replay);
  }
  return replays.length === 0 ? emptyReplay(accountNumber) : sumReplays(accountNumber, replays);
}
