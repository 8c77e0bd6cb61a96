import type { AccountCommand } from '../../domain/accounts/commands.js';
import type { HoldReleaseReason } from '../../domain/accounts/events.js';
import type { AccountState } from '../../domain/accounts/state.js';
import type { EventStore, RecordedEvent } from '../../eventstore/port.js';
import { accountAggregate, accountStream } from '../accounts/account-aggregate.js';
import type { AggregateRepository, Decided } from '../shared/aggregate-repository.js';
import type { CommandContext } from '../shared/command-context.js';
import { transferEventId } from './settle.js';

/**
 * How a transfer's hold stands on the sender's stream: posted (its debit),
 * released (voided, with why), still open, or never placed (a transfer
 * requested before holds existed).
 */
export type HoldEnd =
  | { kind: 'posted'; debit: RecordedEvent }
  | { kind: 'released'; release: RecordedEvent; reason: HoldReleaseReason }
  | { kind: 'open' }
  | { kind: 'none' };

type HoldCommand = Extract<AccountCommand, { type: 'HoldFunds' | 'PostHold' | 'ReleaseHold' }>;

/** The ids of a hold's events: the same for every writer (request, confirm, expiry process, retries). */
const holdIds = (transferId: string) => (event: { type: string }): string =>
  transferEventId(transferId, event.type === 'FundsHeld' ? 'hold' : event.type === 'AccountDebited' ? 'debit' : 'release');

/**
 * Runs a hold command on the account's stream: place (HoldFunds), post
 * (PostHold) or void (ReleaseHold). The account decider decides against the
 * expected revision, so a hold ends exactly once whoever races to end it.
 */
export function runHoldCommand(repo: AggregateRepository, ctx: CommandContext, account: string, command: HoldCommand): Promise<Decided<AccountState>> {
  return repo.execute(accountAggregate, accountStream(account), command, ctx, holdIds(command.transfer_id));
}

function endOf(transferId: string, event: RecordedEvent): HoldEnd | undefined {
  if (event.event_id === transferEventId(transferId, 'debit') && event.type === 'AccountDebited') return { kind: 'posted', debit: event };
  if (event.event_id === transferEventId(transferId, 'release') && event.type === 'HoldReleased') {
    return { kind: 'released', release: event, reason: event.data.reason as HoldReleaseReason };
  }
  return undefined;
}

const PAGE = 200;

/** Finds how a transfer's hold ended, reading the account's stream backwards down to the hold itself. */
export async function findHoldEnd(store: EventStore, account: string, transferId: string): Promise<HoldEnd> {
  const holdId = transferEventId(transferId, 'hold');
  let from: bigint | 'end' = 'end';
  for (;;) {
    const page = await store.readStream(accountStream(account), { direction: 'backwards', from, max: PAGE });
    for (const event of page) {
      const end = endOf(transferId, event);
      if (end) return end;
      if (event.event_id === holdId) return { kind: 'open' };
    }
    const last = page[page.length - 1];
    if (page.length < PAGE || !last || last.revision === 0n) return { kind: 'none' };
    from = last.revision - 1n;
  }
}

/**
 * Ends a transfer's hold with `command` (PostHold or ReleaseHold) and reports
 * how it ended: by this command, or, when the hold had already ended, by
 * whatever ended it first (a retry, the expiry process, a racing confirm).
 */
export async function endHold(
  repo: AggregateRepository,
  store: EventStore,
  ctx: CommandContext,
  account: string,
  command: Extract<HoldCommand, { type: 'PostHold' | 'ReleaseHold' }>,
): Promise<HoldEnd> {
  const decided = await runHoldCommand(repo, ctx, account, command);
  for (const event of decided.events) {
    const end = endOf(command.transfer_id, event);
    if (end) return end;
  }
  return findHoldEnd(store, account, command.transfer_id);
}
