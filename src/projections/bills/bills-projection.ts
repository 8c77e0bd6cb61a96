import { byEventType, type Projection } from '../runtime/projection.js';

/**
 * The customers' bill payments, one row per BillPaid, with the biller's name
 * and the customer's reference. Amounts are minor units: `amount` in the
 * payer's currency, `credit_amount` in the biller's.
 */
export const billsProjection: Projection = {
  name: 'bills',
  version: 1,
  tables: ['bill_payments'],
  async setup(tx, schema) {
    await tx.query(`
      create table ${schema}.bill_payments (
        bill_id          uuid primary key,
        owner_id         text not null,
        biller_id        text not null,
        biller_name      text not null,
        category         text not null,
        account_number   text not null,
        reference        text not null,
        amount           bigint not null,
        currency         text not null,
        credit_amount    bigint not null,
        biller_currency  text not null,
        fx               jsonb,
        position         bigint not null,
        paid_at          timestamptz not null
      );
      create index on ${schema}.bill_payments (owner_id, position desc);`);
  },
  ...byEventType({
    async BillPaid(tx, e, schema) {
      const d = e.data;
      await tx.query(
        `insert into ${schema}.bill_payments
           (bill_id, owner_id, biller_id, biller_name, category, account_number, reference, amount, currency,
            credit_amount, biller_currency, fx, position, paid_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8::bigint, $9, $10::bigint, $11, $12::jsonb, $13::bigint, $14)
         on conflict (bill_id) do nothing`,
        [
          d.bill_id,
          d.owner_id,
          d.biller_id,
          d.biller_name,
          d.category,
          d.account_number,
          d.reference,
          d.amount,
          d.currency,
          d.credit_amount,
          d.biller_currency,
          d.fx ? JSON.stringify(d.fx) : null,
          e.position.toString(),
          e.metadata.occurred_at,
        ],
      );
    },
  }),
};
