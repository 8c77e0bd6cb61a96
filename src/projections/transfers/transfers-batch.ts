import type { BankRecordedEvent } from '../../eventstore/bank-events.js';
import type { Queryable } from '../../infra/db.js';

/**
 * Applies a batch of events to `transfers` and `transfer_accounts` with a
 * fixed number of statements whatever its size (column arrays through
 * unnest), so a rebuild costs per batch, not per event. The batch's accounts
 * and transfers are read once, every event is folded into them in memory in
 * position order with exactly the rules of the event-by-event statements
 * (the first opening of an account wins; a debit needs its sender's account
 * row; each status change only from the statuses it allows), then new rows
 * are inserted and changed ones updated. The result is what applying the
 * events one by one gives, for any batch size.
 */

const KINDS: ReadonlySet<string> = new Set(['internal', 'external', 'bill']);

/** The events the transfers read model handles. */
export const TRANSFERS_HANDLES = [
  'AccountOpened', 'AccountDebited', 'AccountCredited', 'DebitReversed', 'TransferRequested', 'TransferOtpFailed', 'TransferLocked',
  'TransferExpired', 'TransferConfirmed', 'TransferFailed',
] as const;
type TransfersEvent = BankRecordedEvent<(typeof TRANSFERS_HANDLES)[number]>;

const accountOf = (e: TransfersEvent) => e.stream_id.replace(/^account-/, '');

/** The columns a transfer's later events change. */
interface Mutable {
  status: string;
  receiver_account: string;
  sender_balance_after: string | null;
  receiver_balance_after: string | null;
  attempts_left: number | null;
  failure_code: string | null;
  updated_position: string;
}

/** A transfer first written in this batch: every column. */
interface Created extends Mutable {
  transfer_id: string;
  kind: string;
  sender_account: string;
  amount: string;
  fee: string;
  currency: string;
  credited_amount: string;
  receiver_currency: string;
  fx: string | null;
  created_at: string;
  created_position: string;
}

interface Slot {
  /** The row as it stands after the events so far; undefined while it does not exist. */
  row: Mutable | Created | undefined;
  created: boolean;
  changed: boolean;
}

export async function applyTransferEvents(tx: Queryable, events: readonly TransfersEvent[], schema: string): Promise<void> {
  // What the batch touches.
  const accountKeys = new Set<string>();
  const transferIds = new Set<string>();
  for (const e of events) {
    if (e.type === 'AccountOpened') accountKeys.add(e.data.account_number);
    else if (e.type === 'AccountDebited') {
      if (!KINDS.has(e.data.kind)) continue;
      accountKeys.add(accountOf(e));
      transferIds.add(e.data.transfer_id);
    } else transferIds.add(e.data.transfer_id);
  }
  if (accountKeys.size === 0 && transferIds.size === 0) return;

  // Account currencies as they stand before the batch.
  const currencies = new Map<string, string>();
  if (accountKeys.size > 0) {
    const rows = await tx.query<{ account_number: string; currency: string }>(
      `select account_number, currency from ${schema}.transfer_accounts where account_number = any($1::text[])`,
      [[...accountKeys]],
    );
    for (const r of rows) currencies.set(r.account_number, r.currency);
  }

  // Transfers as they stand before the batch.
  const slots = new Map<string, Slot>();
  if (transferIds.size > 0) {
    const ids = [...transferIds];
    const rows = await tx.query<Mutable & { transfer_id: string; attempts_left: number | string | null }>(
      `select transfer_id, status, receiver_account, sender_balance_after::text as sender_balance_after,
              receiver_balance_after::text as receiver_balance_after, attempts_left, failure_code,
              updated_position::text as updated_position
         from ${schema}.transfers where transfer_id = any($1::text[])`,
      [ids],
    );
    for (const id of ids) slots.set(id, { row: undefined, created: false, changed: false });
    for (const r of rows) {
      slots.get(r.transfer_id)!.row = {
        status: r.status,
        receiver_account: r.receiver_account,
        sender_balance_after: r.sender_balance_after,
        receiver_balance_after: r.receiver_balance_after,
        attempts_left: r.attempts_left === null ? null : Number(r.attempts_left),
        failure_code: r.failure_code,
        updated_position: r.updated_position,
      };
    }
  }

  const opened: { account_number: string; owner_id: string; currency: string }[] = [];
  const slot = (transferId: string) => slots.get(transferId)!;
  /** Changes the transfer's status (and more) when it stands in one of `from`. */
  const setStatus = (e: TransfersEvent & { data: { transfer_id: string } }, status: string, from: readonly string[], more?: (row: Mutable) => void) => {
    const s = slot(e.data.transfer_id);
    if (!s.row || !from.includes(s.row.status)) return;
    s.row.status = status;
    s.row.updated_position = e.position.toString();
    more?.(s.row);
    s.changed = true;
  };
  const create = (s: Slot, row: Created) => {
    s.row = row;
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
        const position = e.position.toString();
        if (s.row) {
          if (s.row.status === 'pending_otp' || s.row.status === 'confirmed') {
            s.row.status = 'processing';
            s.row.sender_balance_after = d.balance_after;
            s.row.updated_position = position;
            s.changed = true;
          }
          break;
        }
        const fxTo = d.fx ? d.fx.to : null;
        create(s, {
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
          receiver_balance_after: null,
          attempts_left: null,
          failure_code: null,
          created_at: e.metadata.occurred_at,
          created_position: position,
          updated_position: position,
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
        const position = e.position.toString();
        create(s, {
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
          receiver_balance_after: null,
          attempts_left: Number(d.attempts_left),
          failure_code: null,
          created_at: e.metadata.occurred_at,
          created_position: position,
          updated_position: position,
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

  if (opened.length > 0) {
    await tx.query(
      `insert into ${schema}.transfer_accounts (account_number, owner_id, currency)
       select * from unnest($1::text[], $2::text[], $3::text[])
       on conflict do nothing`,
      [opened.map((r) => r.account_number), opened.map((r) => r.owner_id), opened.map((r) => r.currency)],
    );
  }

  const inserts: Created[] = [];
  const updates: [string, Mutable][] = [];
  for (const [id, s] of slots) {
    if (!s.changed || !s.row) continue;
    if (s.created) inserts.push(s.row as Created);
    else updates.push([id, s.row]);
  }
  if (inserts.length > 0) {
    const col = <K extends keyof Created>(k: K) => inserts.map((r) => r[k]);
    await tx.query(
      `insert into ${schema}.transfers
         (transfer_id, kind, status, sender_account, receiver_account, amount, fee, currency, credited_amount,
          receiver_currency, fx, sender_balance_after, receiver_balance_after, attempts_left, failure_code,
          created_at, created_position, updated_position)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::text[],
                            $9::bigint[], $10::text[], $11::jsonb[], $12::bigint[], $13::bigint[], $14::int[], $15::text[],
                            $16::timestamptz[], $17::bigint[], $18::bigint[])`,
      [
        col('transfer_id'), col('kind'), col('status'), col('sender_account'), col('receiver_account'), col('amount'),
        col('fee'), col('currency'), col('credited_amount'), col('receiver_currency'), col('fx'),
        col('sender_balance_after'), col('receiver_balance_after'), col('attempts_left'), col('failure_code'),
        col('created_at'), col('created_position'), col('updated_position'),
      ],
    );
  }
  if (updates.length > 0) {
    await tx.query(
      `update ${schema}.transfers t
          set status = v.status,
              sender_balance_after = v.sender_balance_after,
              receiver_balance_after = v.receiver_balance_after,
              attempts_left = v.attempts_left,
              failure_code = v.failure_code,
              updated_position = v.updated_position
         from unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::int[], $6::text[], $7::bigint[])
              as v(transfer_id, status, sender_balance_after, receiver_balance_after, attempts_left, failure_code, updated_position)
        where t.transfer_id = v.transfer_id`,
      [
        updates.map(([id]) => id), updates.map(([, r]) => r.status), updates.map(([, r]) => r.sender_balance_after),
        updates.map(([, r]) => r.receiver_balance_after), updates.map(([, r]) => r.attempts_left),
        updates.map(([, r]) => r.failure_code), updates.map(([, r]) => r.updated_position),
      ],
    );
  }
}
