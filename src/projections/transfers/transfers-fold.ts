import type { BankRecordedEvent } from '../../eventstore/bank-events.js';
import { accountOfStream } from '../../domain/accounts/sub-streams.js';

/**
 * The transfers read model as a pure fold: the rows a batch touches as they
 * stand before it, and the batch's events, give the rows to insert and update
 * (transfers-batch.ts loads and writes them). Every event is folded in
 * position order with exactly the rules of the event-by-event statements: the
 * first opening of an account wins; a debit needs its sender's account row;
 * each status change happens only from the statuses it allows. The result is
 * what applying the events one by one gives, for any batch size.
 *
 * Statuses: a high-value transfer starts `pending_otp` (TransferRequested),
 * then `confirmed`, `locked` (codes used up), `expired` or `failed`; its
 * debit (posting the hold) makes it `processing`, as does the debit of a
 * transfer without a code; the receiver's credit makes it `completed`, a
 * reversal `reversed`.
 */

/** The events the transfers read model handles. */
export const TRANSFERS_HANDLES = [
  'AccountOpened', 'AccountDebited', 'AccountCredited', 'DebitReversed', 'TransferRequested', 'TransferOtpFailed', 'TransferLocked',
  'TransferExpired', 'TransferConfirmed', 'TransferFailed',
] as const;
export type TransfersEvent = BankRecordedEvent<(typeof TRANSFERS_HANDLES)[number]>;

/** Debits of these kinds are transfers (deposits are not). */
const KINDS: ReadonlySet<string> = new Set(['internal', 'external', 'bill']);

const accountOf = (e: TransfersEvent) => accountOfStream(e.stream_id);

/** The columns of a transfer that its later events change. */
export interface TransferState {
  status: string;
  receiver_account: string;
  sender_balance_after: string | null;
  receiver_balance_after: string | null;
  attempts_left: number | null;
  failure_code: string | null;
  updated_position: string;
}

/** A transfer first written in the batch: every column. */
export interface NewTransfer extends TransferState {
  transfer_id: string;
  kind: string;
  sender_account: string;
  amount: string;
  fee: string;
  currency: string;
  credited_amount: string;
  receiver_currency: string;
  /** FxApplied as JSON text. */
  fx: string | null;
  created_at: string;
  created_position: string;
}

export interface TransferAccount {
  account_number: string;
  owner_id: string;
  currency: string;
}

/** The keys whose rows the fold needs before the batch. */
export interface TransfersTouched {
  accounts: string[];
  transfers: string[];
}

/** The rows of the touched keys as they stand before the batch (a key without a row is absent). */
export interface TransfersBefore {
  /** Currency of each account. */
  currencies: ReadonlyMap<string, string>;
  transfers: ReadonlyMap<string, TransferState>;
}

/** What the batch changes. */
export interface TransfersChanges {
  accounts: TransferAccount[];
  inserts: NewTransfer[];
  updates: (TransferState & { transfer_id: string })[];
}

/** The accounts and transfers a batch reads or writes. */
export function transfersTouched(events: readonly TransfersEvent[]): TransfersTouched {
  const accounts = new Set<string>();
  const transfers = new Set<string>();
  for (const e of events) {
    if (e.type === 'AccountOpened') accounts.add(e.data.account_number);
    else if (e.type === 'AccountDebited') {
      if (!KINDS.has(e.data.kind)) continue;
      accounts.add(accountOf(e));
      transfers.add(e.data.transfer_id);
    } else transfers.add(e.data.transfer_id);
  }
  return { accounts: [...accounts], transfers: [...transfers] };
}

interface Slot {
  /** The row as it stands after the events so far; undefined while it does not exist. */
  row: TransferState | NewTransfer | undefined;
  created: boolean;
  changed: boolean;
}

/** Folds a batch into the rows before it; `before` is left as it was. */
export function foldTransfers(before: TransfersBefore, events: readonly TransfersEvent[]): TransfersChanges {
  const currencies = new Map(before.currencies);
  const slots = new Map<string, Slot>();
  const opened: TransferAccount[] = [];
  const slot = (transferId: string): Slot => {
    let s = slots.get(transferId);
    if (!s) {
      const stored = before.transfers.get(transferId);
      slots.set(transferId, (s = { row: stored ? { ...stored } : undefined, created: false, changed: false }));
    }
    return s;
  };
  /** Changes the transfer's status (and more) when it stands in one of `from`. */
  const setStatus = (e: TransfersEvent & { data: { transfer_id: string } }, status: string, from: readonly string[], more?: (row: TransferState) => void) => {
    const s = slot(e.data.transfer_id);
    if (!s.row || !from.includes(s.row.status)) return;
    s.row.status = status;
    s.row.updated_position = e.position.toString();
    more?.(s.row);
    s.changed = true;
  };
  /** A new row, first written by `e`: no receiver balance or failure yet. */
  const create = (s: Slot, e: TransfersEvent, row: Omit<NewTransfer, 'receiver_balance_after' | 'failure_code' | 'created_at' | 'created_position' | 'updated_position'>) => {
    const position = e.position.toString();
    s.row = { ...row, receiver_balance_after: null, failure_code: null, created_at: e.metadata.occurred_at, created_position: position, updated_position: position };
    s.created = true;
    s.changed = true;
  };

  for (const e of events) {
    switch (e.type) {
      case 'AccountOpened': {
        const o = e.data;
        if (currencies.has(o.account_number)) break;
        currencies.set(o.account_number, o.currency);
        opened.push({ account_number: o.account_number, owner_id: o.owner_id, currency: o.currency });
        break;
      }
      case 'AccountDebited': {
        const d = e.data;
        if (!KINDS.has(d.kind)) break;
        const currency = currencies.get(accountOf(e));
        if (currency === undefined) break; // no account row: the insert selects nothing
        const s = slot(d.transfer_id);
        if (s.row) {
          // Posting the hold of a transfer that had a code.
          setStatus(e, 'processing', ['pending_otp', 'confirmed'], (r) => {
            r.sender_balance_after = d.balance_after;
          });
          break;
        }
        const fxTo = d.fx ? d.fx.to : null;
        create(s, e, {
          transfer_id: d.transfer_id,
          kind: d.kind,
          status: 'processing',
          sender_account: accountOf(e),
          receiver_account: d.counterparty_account,
          amount: d.amount,
          fee: d.fee,
          currency,
          credited_amount: d.credit_amount,
          receiver_currency: fxTo === undefined || fxTo === null ? currency : fxTo,
          fx: d.fx ? JSON.stringify(d.fx) : null,
          sender_balance_after: d.balance_after,
          attempts_left: null,
        });
        break;
      }
      case 'AccountCredited': {
        // Only the receiver's credit completes it; the fee's credit goes to the bank's account.
        const s = slot(e.data.transfer_id);
        if (!s.row || s.row.receiver_account !== accountOf(e) || s.row.status !== 'processing') break;
        s.row.status = 'completed';
        s.row.receiver_balance_after = e.data.balance_after;
        s.row.updated_position = e.position.toString();
        s.changed = true;
        break;
      }
      case 'DebitReversed': {
        const d = e.data;
        const balance = BigInt(d.balance_after).toString();
        setStatus(e, 'reversed', ['processing'], (r) => {
          r.sender_balance_after = balance;
          r.failure_code = d.reason;
        });
        break;
      }
      case 'TransferRequested': {
        const d = e.data;
        const s = slot(d.transfer_id);
        if (s.row) break; // on conflict do nothing
        create(s, e, {
          transfer_id: d.transfer_id,
          kind: d.kind,
          status: 'pending_otp',
          sender_account: d.sender_account,
          receiver_account: d.receiver_account,
          amount: d.amount,
          fee: d.fee,
          currency: d.currency,
          credited_amount: d.credit_amount,
          receiver_currency: d.receiver_currency,
          fx: d.fx ? JSON.stringify(d.fx) : null,
          sender_balance_after: null,
          attempts_left: Number(d.attempts_left),
        });
        break;
      }
      case 'TransferOtpFailed': {
        const left = Number(e.data.attempts_left);
        setStatus(e, 'pending_otp', ['pending_otp'], (r) => {
          r.attempts_left = left;
        });
        break;
      }
      case 'TransferLocked':
        setStatus(e, 'locked', ['pending_otp'], (r) => {
          r.attempts_left = 0;
        });
        break;
      case 'TransferExpired':
        setStatus(e, 'expired', ['pending_otp']);
        break;
      case 'TransferConfirmed':
        setStatus(e, 'confirmed', ['pending_otp']);
        break;
      case 'TransferFailed': {
        const code = e.data.code ?? null;
        setStatus(e, 'failed', ['pending_otp', 'confirmed'], (r) => {
          r.failure_code = code;
        });
        break;
      }
    }
  }

  const changes: TransfersChanges = { accounts: opened, inserts: [], updates: [] };
  for (const [transfer_id, s] of slots) {
    if (!s.changed || !s.row) continue;
    if (s.created) changes.inserts.push(s.row as NewTransfer);
    else changes.updates.push({ transfer_id, ...s.row });
  }
  return changes;
}
