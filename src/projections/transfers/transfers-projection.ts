import type { RecordedEvent } from '../../eventstore/port.js';
import type { Queryable } from '../../infra/db.js';
import { byEventType, type Projection } from '../runtime/projection.js';

/**
 * Customer transfers, one row per transfer id, for the transfer lists.
 * Completed ones come from the ledger (AccountDebited, then the receiver's
 * AccountCredited or the sender's DebitReversed); pending high-value ones
 * from their `transfer-<id>` stream (pending_otp, confirmed, locked, expired,
 * failed). `transfer_accounts` keeps each account's owner and currency, so
 * the lists can tell own from others' accounts without another projection.
 */
const KINDS = new Set(['internal', 'external', 'bill']);
const account = (e: RecordedEvent) => e.stream_id.replace(/^account-/, '');
const str = (v: unknown) => (v === undefined || v === null ? null : String(v));

async function setStatus(tx: Queryable, schema: string, e: RecordedEvent, status: string, from: string[], extra = ''): Promise<void> {
  await tx.query(
    `update ${schema}.transfers set status = $2, updated_position = $3::bigint ${extra}
      where transfer_id = $1 and status = any($4::text[])`,
    [String(e.data.transfer_id), status, e.position.toString(), from],
  );
}

export const transfersProjection: Projection = {
  name: 'transfers',
  version: 1,
  tables: ['transfers', 'transfer_accounts'],
  async setup(tx, schema) {
    await tx.query(`
      create table ${schema}.transfer_accounts (
        account_number text primary key,
        owner_id       text not null,
        currency       text not null
      );
      create index on ${schema}.transfer_accounts (owner_id);
      create table ${schema}.transfers (
        transfer_id            text primary key,
        kind                   text not null,
        status                 text not null,
        sender_account         text not null,
        receiver_account       text not null,
        amount                 bigint not null,
        fee                    bigint not null,
        currency               text not null,
        credited_amount        bigint not null,
        receiver_currency      text not null,
        fx                     jsonb,
        sender_balance_after   bigint,
        receiver_balance_after bigint,
        attempts_left          int,
        failure_code           text,
        created_at             timestamptz not null,
        created_position       bigint not null,
        updated_position       bigint not null
      );
      create index on ${schema}.transfers (sender_account, created_position desc);
      create index on ${schema}.transfers (receiver_account, created_position desc);`);
  },
  apply: byEventType({
    async AccountOpened(tx, e, schema) {
      const d = e.data as Record<string, string>;
      await tx.query(
        `insert into ${schema}.transfer_accounts (account_number, owner_id, currency) values ($1, $2, $3) on conflict do nothing`,
        [d.account_number, d.owner_id, d.currency],
      );
    },
    async AccountDebited(tx, e, schema) {
      const d = e.data;
      if (!KINDS.has(String(d.kind))) return;
      const fx = d.fx as Record<string, string> | null;
      // The receiver's currency is the FX target, else the sender's own.
      await tx.query(
        `insert into ${schema}.transfers as t
           (transfer_id, kind, status, sender_account, receiver_account, amount, fee, currency, credited_amount,
            receiver_currency, fx, sender_balance_after, created_at, created_position, updated_position)
         select $1, $2, 'processing', $3, $4, $5::bigint, $6::bigint, a.currency, $7::bigint,
                coalesce($8, a.currency), $9::jsonb, $10::bigint, $11, $12::bigint, $12::bigint
           from ${schema}.transfer_accounts a where a.account_number = $3
         on conflict (transfer_id) do update
           set status = 'processing', sender_balance_after = excluded.sender_balance_after, updated_position = excluded.updated_position
           where t.status in ('pending_otp', 'confirmed')`,
        [
          String(d.transfer_id), String(d.kind), account(e), String(d.counterparty_account), String(d.amount), String(d.fee),
          String(d.credit_amount), fx ? fx.to : null, fx ? JSON.stringify(fx) : null, String(d.balance_after),
          e.metadata.occurred_at, e.position.toString(),
        ],
      );
    },
    async AccountCredited(tx, e, schema) {
      // Only the receiver's credit completes it; the fee's credit goes to the bank's account.
      await tx.query(
        `update ${schema}.transfers set status = 'completed', receiver_balance_after = $3::bigint, updated_position = $4::bigint
          where transfer_id = $1 and receiver_account = $2 and status = 'processing'`,
        [String(e.data.transfer_id), account(e), String(e.data.balance_after), e.position.toString()],
      );
    },
    DebitReversed: (tx, e, schema) => setStatus(tx, schema, e, 'reversed', ['processing'], `, sender_balance_after = ${BigInt(String(e.data.balance_after))}`),
    async TransferRequested(tx, e, schema) {
      const d = e.data;
      await tx.query(
        `insert into ${schema}.transfers
           (transfer_id, kind, status, sender_account, receiver_account, amount, fee, currency, credited_amount,
            receiver_currency, fx, attempts_left, created_at, created_position, updated_position)
         values ($1, $2, 'pending_otp', $3, $4, $5::bigint, $6::bigint, $7, $8::bigint, $9, $10::jsonb, $11::int, $12, $13::bigint, $13::bigint)
         on conflict (transfer_id) do nothing`,
        [
          String(d.transfer_id), String(d.kind), String(d.sender_account), String(d.receiver_account), String(d.amount), String(d.fee),
          String(d.currency), String(d.credit_amount), String(d.receiver_currency), d.fx ? JSON.stringify(d.fx) : null,
          Number(d.attempts_left), e.metadata.occurred_at, e.position.toString(),
        ],
      );
    },
    TransferOtpFailed: (tx, e, schema) =>
      setStatus(tx, schema, e, 'pending_otp', ['pending_otp'], `, attempts_left = ${Number(e.data.attempts_left)}`),
    TransferLocked: (tx, e, schema) => setStatus(tx, schema, e, 'locked', ['pending_otp'], ', attempts_left = 0'),
    TransferExpired: (tx, e, schema) => setStatus(tx, schema, e, 'expired', ['pending_otp']),
    TransferConfirmed: (tx, e, schema) => setStatus(tx, schema, e, 'confirmed', ['pending_otp']),
    async TransferFailed(tx, e, schema) {
      await tx.query(
        `update ${schema}.transfers set status = 'failed', failure_code = $2, updated_position = $3::bigint
          where transfer_id = $1 and status in ('pending_otp', 'confirmed')`,
        [String(e.data.transfer_id), str(e.data.code), e.position.toString()],
      );
    },
  }),
};
