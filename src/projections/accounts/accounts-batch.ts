import type { FxApplied } from '../../domain/accounts/events.js';
import type { BankRecordedEvent } from '../../eventstore/bank-events.js';
import type { Queryable } from '../../infra/db.js';

/** What a batch of account events changes, gathered in memory and written set-wise. */
interface AccountChange {
  balance: string | null;
  status: string | null;
  heldDelta: bigint;
  updatedAt: string | null;
  lastPosition: string;
}

interface Entry {
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
  'HoldReleased', 'AccountFrozen', 'AccountUnfrozen',
] as const;
type AccountsEvent = BankRecordedEvent<(typeof ACCOUNTS_HANDLES)[number]>;

/** What an entry says about the movement besides its amounts. */
interface Movement {
  transfer_id: string;
  kind: string;
  counterparty_account: string | null;
  fx: FxApplied | null;
  balance_after: string;
}

const accountOf = (e: AccountsEvent) => e.stream_id.replace(/^account-/, '');

/**
 * Applies a batch of events to `accounts` and `account_entries` with a fixed
 * number of statements whatever its size (column arrays through unnest), so a
 * rebuild costs per batch, not per event. The result is exactly what applying
 * the events one by one gives: the last balance and status of each account
 * win, holds add up, entries are one row per movement (a hold and its
 * release are entries too: they move the available balance, not the balance).
 */
export async function applyAccountEvents(tx: Queryable, events: readonly AccountsEvent[], schema: string): Promise<void> {
  const opened: { account_number: string; owner_id: string; type: string; currency: string; occurred_at: string; position: string }[] = [];
  const entries: Entry[] = [];
  const changes = new Map<string, AccountChange>();
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
    c.balance = m.balance_after;
    c.updatedAt = e.metadata.occurred_at;
    entries.push({
      event_id: e.event_id,
      account_number: accountOf(e),
      position: e.position.toString(),
      transfer_id: m.transfer_id,
      kind: m.kind,
      direction,
      amount: amount.toString(),
      fee: fee.toString(),
      balance_after: m.balance_after,
      counterparty_account: m.counterparty_account,
      fx: m.fx ? JSON.stringify(m.fx) : null,
      occurred_at: e.metadata.occurred_at,
    });
  };

  for (const e of events) {
    switch (e.type) {
      case 'AccountOpened':
        opened.push({ ...e.data, occurred_at: e.metadata.occurred_at, position: e.position.toString() });
        break;
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

  if (opened.length > 0) {
    await tx.query(
      `insert into ${schema}.accounts (account_number, owner_id, type, currency, status, opened_at, updated_at, last_position)
       select n, o, t, c, 'active', at, at, p
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::bigint[]) as x(n, o, t, c, at, p)
       on conflict (account_number) do nothing`,
      [
        opened.map((r) => r.account_number), opened.map((r) => r.owner_id), opened.map((r) => r.type),
        opened.map((r) => r.currency), opened.map((r) => r.occurred_at), opened.map((r) => r.position),
      ],
    );
  }
  if (entries.length > 0) {
    const col = <K extends keyof Entry>(k: K) => entries.map((r) => r[k]);
    await tx.query(
      `insert into ${schema}.account_entries
         (event_id, account_number, position, transfer_id, kind, direction, amount, fee, balance_after, counterparty_account, fx, occurred_at)
       select * from unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[],
                            $9::bigint[], $10::text[], $11::jsonb[], $12::timestamptz[])
       on conflict (event_id) do nothing`,
      [
        col('event_id'), col('account_number'), col('position'), col('transfer_id'), col('kind'), col('direction'),
        col('amount'), col('fee'), col('balance_after'), col('counterparty_account'), col('fx'), col('occurred_at'),
      ],
    );
  }
  if (changes.size > 0) {
    const rows = [...changes.entries()];
    await tx.query(
      `update ${schema}.accounts a
          set balance = coalesce(v.balance, a.balance),
              status = coalesce(v.status, a.status),
              held = a.held + v.held_delta,
              updated_at = coalesce(v.updated_at, a.updated_at),
              last_position = v.last_position
         from unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::timestamptz[], $6::bigint[])
              as v(account_number, balance, status, held_delta, updated_at, last_position)
        where a.account_number = v.account_number`,
      [
        rows.map(([n]) => n), rows.map(([, c]) => c.balance), rows.map(([, c]) => c.status),
        rows.map(([, c]) => c.heldDelta.toString()), rows.map(([, c]) => c.updatedAt), rows.map(([, c]) => c.lastPosition),
      ],
    );
  }
}
