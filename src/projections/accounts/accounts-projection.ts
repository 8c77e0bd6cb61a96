import type { RecordedEvent } from '../../eventstore/port.js';
import type { Queryable } from '../../infra/db.js';
import { byEventType, type Projection } from '../runtime/projection.js';

/**
 * Balances and statements. `accounts` holds one row per account (balance and
 * holds in minor units); `account_entries` one row per money movement with the
 * balance after it, so a statement's running balance is read, not recomputed.
 */
async function entry(tx: Queryable, schema: string, e: RecordedEvent, direction: string, amount: bigint, fee: bigint): Promise<void> {
  const d = e.data as Record<string, unknown>;
  await tx.query(
    `insert into ${schema}.account_entries
       (event_id, account_number, position, transfer_id, kind, direction, amount, fee, balance_after, counterparty_account, fx, occurred_at)
     values ($1, $2, $3::bigint, $4, $5, $6, $7::bigint, $8::bigint, $9::bigint, $10, $11::jsonb, $12)
     on conflict (event_id) do nothing`,
    [
      e.event_id,
      e.stream_id.replace(/^account-/, ''),
      e.position.toString(),
      String(d.transfer_id ?? d.deposit_id ?? ''),
      String(d.kind ?? 'deposit'),
      direction,
      amount.toString(),
      fee.toString(),
      String(d.balance_after),
      d.counterparty_account === undefined ? null : String(d.counterparty_account),
      d.fx ? JSON.stringify(d.fx) : null,
      e.metadata.occurred_at,
    ],
  );
}

async function setBalance(tx: Queryable, schema: string, e: RecordedEvent): Promise<void> {
  await tx.query(
    `update ${schema}.accounts set balance = $2::bigint, updated_at = $3, last_position = $4::bigint where account_number = $1`,
    [e.stream_id.replace(/^account-/, ''), String(e.data.balance_after), e.metadata.occurred_at, e.position.toString()],
  );
}

async function addHold(tx: Queryable, schema: string, e: RecordedEvent, sign: 1n | -1n): Promise<void> {
  await tx.query(`update ${schema}.accounts set held = held + $2::bigint, last_position = $3::bigint where account_number = $1`, [
    e.stream_id.replace(/^account-/, ''),
    (BigInt(String(e.data.amount)) * sign).toString(),
    e.position.toString(),
  ]);
}

async function setStatus(tx: Queryable, schema: string, e: RecordedEvent, status: string): Promise<void> {
  await tx.query(`update ${schema}.accounts set status = $2, updated_at = $3, last_position = $4::bigint where account_number = $1`, [
    e.stream_id.replace(/^account-/, ''),
    status,
    e.metadata.occurred_at,
    e.position.toString(),
  ]);
}

export const accountsProjection: Projection = {
  name: 'accounts',
  version: 2,
  tables: ['accounts', 'account_entries'],
  async setup(tx, schema) {
    await tx.query(`
      create table ${schema}.accounts (
        account_number text primary key,
        owner_id       text not null,
        type           text not null,
        currency       text not null,
        status         text not null,
        balance        bigint not null default 0,
        held           bigint not null default 0,
        opened_at      timestamptz not null,
        updated_at     timestamptz not null,
        last_position  bigint not null
      );
      create index on ${schema}.accounts (owner_id, opened_at desc);
      create table ${schema}.account_entries (
        event_id             uuid primary key,
        account_number       text not null,
        position             bigint not null,
        transfer_id          text not null,
        kind                 text not null,
        direction            text not null,
        amount               bigint not null,
        fee                  bigint not null,
        balance_after        bigint not null,
        counterparty_account text,
        fx                   jsonb,
        occurred_at          timestamptz not null
      );
      create index on ${schema}.account_entries (account_number, position desc);`);
  },
  apply: byEventType({
    async AccountOpened(tx, e, schema) {
      const d = e.data as Record<string, string>;
      await tx.query(
        `insert into ${schema}.accounts (account_number, owner_id, type, currency, status, opened_at, updated_at, last_position)
         values ($1, $2, $3, $4, 'active', $5, $5, $6::bigint) on conflict (account_number) do nothing`,
        [d.account_number, d.owner_id, d.type, d.currency, e.metadata.occurred_at, e.position.toString()],
      );
    },
    async FundsDeposited(tx, e, schema) {
      await setBalance(tx, schema, e);
      await entry(tx, schema, e, 'credit', BigInt(String(e.data.amount)), 0n);
    },
    async AccountDebited(tx, e, schema) {
      await setBalance(tx, schema, e);
      const amount = BigInt(String(e.data.amount));
      const fee = BigInt(String(e.data.fee));
      if (e.data.from_reservation === true) await addHold(tx, schema, { ...e, data: { ...e.data, amount: (amount + fee).toString() } }, -1n);
      await entry(tx, schema, e, 'debit', -(amount + fee), fee);
    },
    async AccountCredited(tx, e, schema) {
      await setBalance(tx, schema, e);
      await entry(tx, schema, e, 'credit', BigInt(String(e.data.amount)), 0n);
    },
    async FxPositionPosted(tx, e, schema) {
      await setBalance(tx, schema, e);
      await entry(tx, schema, e, 'fx', BigInt(String(e.data.amount)), 0n);
    },
    async DebitReversed(tx, e, schema) {
      await setBalance(tx, schema, e);
      await entry(tx, schema, e, 'reversal', BigInt(String(e.data.amount)), 0n);
    },
    FundsReserved: (tx, e, schema) => addHold(tx, schema, e, 1n),
    ReservationReleased: (tx, e, schema) => addHold(tx, schema, e, -1n),
    AccountFrozen: (tx, e, schema) => setStatus(tx, schema, e, 'frozen'),
    AccountUnfrozen: (tx, e, schema) => setStatus(tx, schema, e, 'active'),
  }),
};
