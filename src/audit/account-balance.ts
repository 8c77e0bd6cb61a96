import type { AccountEvent } from '../domain/accounts/events.js';
import type { AsOf } from '../domain/audit/as-of.js';
import { emptyReplay, replayBalance, type BalanceReplay, type LedgerEntry } from '../domain/audit/balance-as-of.js';
import type { EventStore, RecordedEvent } from '../eventstore/port.js';
import { accountStream } from '../commands/accounts/account-aggregate.js';

const PAGE = 1_000;

export const toLedgerEntry = (e: RecordedEvent): LedgerEntry => ({
  revision: e.revision,
  position: e.position,
  occurred_at: e.metadata.occurred_at,
  event: { type: e.type, data: e.data } as unknown as AccountEvent,
});

/**
 * Replays an account's stream from revision 0 (never a snapshot, never the
 * read model) up to `asOf`, a page at a time, stopping at the first event
 * past it.
 */
export async function accountBalanceAsOf(store: EventStore, accountNumber: string, asOf: AsOf): Promise<BalanceReplay> {
  const stream = accountStream(accountNumber);
  let replay = emptyReplay(accountNumber);
  let from = 0n;
  for (;;) {
    const page = await store.readStream(stream, { from, max: PAGE });
    const step = replayBalance(accountNumber, page.map(toLedgerEntry), asOf, replay);
    replay = step.replay;
    if (step.reachedEnd || page.length < PAGE) return replay;
    from = page[page.length - 1]!.revision + 1n;
  }
}
