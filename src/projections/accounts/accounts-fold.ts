import type { FxApplied } from '../../domain/accounts/events.js';
import type { BankRecordedEvent } from '../../eventstore/bank-events.js';
import { accountOfStream, isSplitAccount } from '../../domain/accounts/sub-streams.js';

/**
 * The accounts read model as a pure fold: a batch's events give what to
 * write (accounts-batch.ts writes it). It needs no rows before the batch
 * (but the balances of the bank's split accounts it moves, which it adds to): an
 * opening is written unless the account exists, and each change is either a
 * value that replaces the stored one (the last balance and status win) or an
 * amount added to it (holds add up). Entries are one row per movement (a hold
 * and its release are entries too: they move the available balance, not the
 * balance).
 */

/** What the batch changes in one account's row: null keeps the stored value, `heldDelta` adds to it. */
export interface AccountChange {
  balance: string | null;
  status: string | null;
  heldDelta: bigint;
  updatedAt: string | null;
  lastPosition: string;
}

/** One statement line: a movement of money or of the available balance. */
export interface Entry {
  event_id: string;
  account_number: string;
  position: string;
  transfer_id: string;
  kind: string;
  direction: string;
  amount: string;
  fee: string;
  balance_after: string;
  counterparty_account: string | null;
  fx: string | null;
  occurred_at: string;
}

/** The events the accounts read model handles. */
export const ACCOUNTS_HANDLES = [
  'AccountOpened', 'FundsDeposited', 'AccountCredited', 'AccountDebited', 'FxPositionPosted', 'DebitReversed', 'FundsHeld',
  'HoldReleased', 'AccountFrozen', 'AccountUnfrozen', 'AccountClosed',
] as const;
export type AccountsEvent = BankRecordedEvent<(typeof ACCOUNTS_HANDLES)[number]>;

/** What an entry says about the movement besides its amounts. */
interface Movement {
  transfer_id: string;
  kind: string;
  counterparty_account: string | null;
  fx: FxApplied | null;
  balance_after: string;
}

const accountOf = (e: AccountsEvent) => accountOfStream(e.stream_id);

export interface OpenedAccount {
  account_number: string;
  owner_id: string;
  type: string;
  currency: string;
  occurred_at: string;
  position: string;
}

export interface AccountsChanges {
  /** Accounts to create (an account that exists keeps its row). */
  opened: OpenedAccount[];
  /** Statement lines to add (one already stored, by event id, is kept). */
  entries: Entry[];
  /** Per account number. */
  changes: Map<string, AccountChange>;
}

/** The accounts split into sub-streams that a batch moves money on (their balances before it are needed). */
export function splitAccountsOf(events: readonly AccountsEvent[]): string[] {
  return [...new Set(events.map(accountOf).filter(isSplitAccount))];
}

/**
 * Folds a batch, in position order. An account split into sub-streams (the
 * bank's own) has each sub-stream's balance in its events: its balance is the
 * one before the batch (`splitBalances`, 0 when absent) plus the movements, so
 * its row and statement lines show the sum of its sub-streams.
 */
export function foldAccounts(events: readonly AccountsEvent[], splitBalances: ReadonlyMap<string, bigint> = new Map()): AccountsChanges {
  const opened: OpenedAccount[] = [];
  const entries: Entry[] = [];
  const changes = new Map<string, AccountChange>();
  const running = new Map(splitBalances);
  const change = (e: AccountsEvent): AccountChange => {
    const key = accountOf(e);
    let c = changes.get(key);
    if (!c) {
      c = { balance: null, status: null, heldDelta: 0n, updatedAt: null, lastPosition: '0' };
      changes.set(key, c);
    }
    c.lastPosition = e.position.toString();
    return c;
  };
  /** A movement: the account's balance is the one after it, and the statement gets an entry. */
  const move = (e: AccountsEvent, m: Movement, direction: string, amount: bigint, fee: bigint) => {
    const c = change(e);
    const account = accountOf(e);
    let balanceAfter = m.balance_after;
    if (isSplitAccount(account)) {
      // A hold and its release move the available balance only.
      const balance = (running.get(account) ?? 0n) + (direction === 'hold' || direction === 'release' ? 0n : amount);
      running.set(account, balance);
      balanceAfter = balance.toString();
    }
    c.balance = balanceAfter;
    c.updatedAt = e.metadata.occurred_at;
    entries.push({
      event_id: e.event_id,
      account_number: account,
      position: e.position.toString(),
      transfer_id: m.transfer_id,
      kind: m.kind,
      direction,
      amount: amount.toString(),
      fee: fee.toString(),
      balance_after: balanceAfter,
      counterparty_account: m.counterparty_account,
      fx: m.fx ? JSON.stringify(m.fx) : null,
      occurred_at: e.metadata.occurred_at,
    });
  };

  for (const e of events) {
    switch (e.type) {
      case 'AccountOpened': {
        const { account_number, owner_id, type, currency } = e.data;
        opened.push({ account_number, owner_id, type, currency, occurred_at: e.metadata.occurred_at, position: e.position.toString() });
        break;
      }
      case 'FundsDeposited': {
        const d = e.data;
        move(e, { transfer_id: d.deposit_id, kind: 'deposit', counterparty_account: null, fx: null, balance_after: d.balance_after }, 'credit', BigInt(d.amount), 0n);
        break;
      }
      case 'AccountCredited':
        move(e, e.data, 'credit', BigInt(e.data.amount), 0n);
        break;
      case 'AccountDebited': {
        const d = e.data;
        const total = BigInt(d.amount) + BigInt(d.fee);
        move(e, d, 'debit', -total, BigInt(d.fee));
        if (d.from_reservation === true) change(e).heldDelta -= total;
        break;
      }
      case 'FxPositionPosted':
        move(e, { ...e.data, counterparty_account: null, fx: null }, 'fx', BigInt(e.data.amount), 0n);
        break;
      case 'DebitReversed':
        // A reversal names no kind: its entry has always read 'deposit'.
        move(e, { ...e.data, kind: 'deposit', counterparty_account: null, fx: null }, 'reversal', BigInt(e.data.amount), 0n);
        break;
      case 'FundsHeld': {
        // The balance stays; the statement shows what left the available balance.
        const d = e.data;
        const total = BigInt(d.amount) + BigInt(d.fee);
        move(e, { ...d, fx: null }, 'hold', -total, BigInt(d.fee));
        change(e).heldDelta += total;
        break;
      }
      case 'HoldReleased':
        move(e, { ...e.data, fx: null }, 'release', BigInt(e.data.amount), 0n);
        change(e).heldDelta -= BigInt(e.data.amount);
        break;
      case 'AccountFrozen':
      case 'AccountUnfrozen': {
        const c = change(e);
        c.status = e.type === 'AccountFrozen' ? 'frozen' : 'active';
        c.updatedAt = e.metadata.occurred_at;
        break;
      }
      case 'AccountClosed': {
        const c = change(e);
        c.status = 'closed';
        c.updatedAt = e.metadata.occurred_at;
        break;
      }
    }
  }

  return { opened, entries, changes };
}
