import type { AccountEvent } from '../accounts/events.js';
import { applyLedgerEffect, heldTotal, ledgerEffect, type Hold } from '../accounts/ledger-effect.js';
import type { Currency } from '../money/currency.js';
import { isWithin, type AsOf } from './as-of.js';

/** One event of an account stream, as far as an audit replay needs it. */
export interface LedgerEntry {
  revision: bigint;
  position: bigint;
  /** When the command was decided (ISO 8601): part of the hashed content, unlike the store's clock. */
  occurred_at: string;
  event: AccountEvent;
}

/** An event whose recorded `balance_after` differs from the sum of the movements before it. */
export interface BalanceDiscrepancy {
  revision: bigint;
  position: bigint;
  type: string;
  recorded: bigint;
  computed: bigint;
}

export interface BalanceReplay {
  exists: boolean;
  account_number: string;
  currency: Currency | null;
  /** Ledger balance in minor units, summed from the movements (not copied from balance_after). */
  balance: bigint;
  /** Held for pending transfers at that point (the sum of `holds`). */
  held: bigint;
  /** The holds open at that point, by transfer id. */
  holds: Record<string, Hold>;
  status: 'active' | 'frozen' | 'closed' | null;
  events_applied: number;
  last_revision: bigint | null;
  last_position: bigint | null;
  last_occurred_at: string | null;
  discrepancies: BalanceDiscrepancy[];
}

export function emptyReplay(accountNumber: string): BalanceReplay {
  return {
    exists: false,
    account_number: accountNumber,
    currency: null,
    balance: 0n,
    held: 0n,
    holds: {},
    status: null,
    events_applied: 0,
    last_revision: null,
    last_position: null,
    last_occurred_at: null,
    discrepancies: [],
  };
}

/** Folds one event into the replay (events must come in revision order). */
export function stepReplay(state: BalanceReplay, entry: LedgerEntry): BalanceReplay {
  const { event } = entry;
  // The same effect the account decider folds: balance from the amounts, holds placed and ended.
  const ledger = applyLedgerEffect({ balance: state.balance, holds: state.holds }, ledgerEffect(event));
  const next: BalanceReplay = {
    ...state,
    balance: ledger.balance,
    holds: ledger.holds,
    held: heldTotal(ledger),
    events_applied: state.events_applied + 1,
    last_revision: entry.revision,
    last_position: entry.position,
    last_occurred_at: entry.occurred_at,
  };
  if (event.type === 'AccountOpened') {
    return { ...next, exists: true, currency: event.data.currency, status: 'active', balance: 0n, holds: {}, held: 0n };
  }
  if (event.type === 'AccountFrozen') return { ...next, status: 'frozen' };
  if (event.type === 'AccountUnfrozen') return { ...next, status: 'active' };
  if (event.type === 'AccountClosed') return { ...next, status: 'closed' };
  if ('balance_after' in event.data) {
    const recorded = BigInt(event.data.balance_after);
    if (recorded !== next.balance) {
      next.discrepancies = [...state.discrepancies, { revision: entry.revision, position: entry.position, type: event.type, recorded, computed: next.balance }];
    }
  }
  return next;
}

/**
 * The balance of an account as of a position or an instant, by replaying its
 * stream from the start: the prefix of events up to `asOf` is summed, and every
 * `balance_after` the writers recorded is checked against that sum.
 * Returns the replay and whether the stream goes on past `asOf`.
 */
export function replayBalance(accountNumber: string, entries: Iterable<LedgerEntry>, asOf: AsOf, from: BalanceReplay = emptyReplay(accountNumber)): { replay: BalanceReplay; reachedEnd: boolean } {
  let replay = from;
  for (const entry of entries) {
    if (!isWithin(asOf, entry.position, entry.occurred_at)) return { replay, reachedEnd: true };
    replay = stepReplay(replay, entry);
  }
  return { replay, reachedEnd: false };
}

/**
 * One account's replay from the replays of its sub-streams (the bank's split
 * accounts: domain/accounts/sub-streams.ts): balances, holds, events and
 * discrepancies add up; the last event is the one furthest along the log, and
 * the status is sub-stream 0's (the account's own stream).
 */
export function sumReplays(accountNumber: string, replays: readonly BalanceReplay[]): BalanceReplay {
  const [own] = replays;
  if (!own) return emptyReplay(accountNumber);
  let last = own;
  const sum = { ...own, holds: { ...own.holds }, discrepancies: [...own.discrepancies] };
  for (const r of replays.slice(1)) {
    sum.exists ||= r.exists;
    sum.currency ??= r.currency;
    sum.balance += r.balance;
    sum.held += r.held;
    Object.assign(sum.holds, r.holds);
    sum.events_applied += r.events_applied;
    sum.discrepancies.push(...r.discrepancies);
    if (r.last_position !== null && (last.last_position === null || r.last_position > last.last_position)) last = r;
  }
  return { ...sum, last_revision: last.last_revision, last_position: last.last_position, last_occurred_at: last.last_occurred_at };
}
