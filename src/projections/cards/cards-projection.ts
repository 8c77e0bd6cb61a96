import type { BankRecordedEvent } from '../../eventstore/bank-events.js';
import { byEventType, type Projection } from '../runtime/projection.js';

/** Read model `cards`: one row per card, serving GET /accounts/{n}/cards and GET /cards/{id}. Never holds a card number. */
export const cardsProjection: Projection = {
  name: 'cards',
  version: 1,
  tables: ['cards'],
  async setup(tx, schema) {
    await tx.query(`
      create table ${schema}.cards (
        card_id        uuid primary key,
        account_number text not null,
        owner_id       text not null,
        card_type      text not null,
        brand          text not null,
        last4          text not null,
        status         text not null,
        expiry_year    int not null,
        expiry_month   int not null,
        currency       text not null,
        daily_limit    bigint not null,
        monthly_limit  bigint not null,
        created_at     timestamptz not null,
        updated_at     timestamptz not null,
        position       bigint not null
      );
      create index on ${schema}.cards (account_number, created_at desc, card_id);`);
  },
  ...byEventType({
    async CardIssued(tx, e, schema) {
      const d = e.data;
      await tx.query(
        `insert into ${schema}.cards (card_id, account_number, owner_id, card_type, brand, last4, status, expiry_year,
           expiry_month, currency, daily_limit, monthly_limit, created_at, updated_at, position)
         values ($1, $2, $3, $4, $5, $6, 'active', $7, $8, $9, $10, $11, $12, $13, $14)`,
        [d.card_id, d.account_number, d.owner_id, d.card_type, d.brand, d.last4, d.expiry_year, d.expiry_month, d.currency,
          d.daily_limit, d.monthly_limit, d.issued_at, e.recorded_at, e.position.toString()],
      );
    },
    CardBlocked: (tx, e, schema) => setStatus(tx, e, schema, 'blocked'),
    CardUnblocked: (tx, e, schema) => setStatus(tx, e, schema, 'active'),
    CardCancelled: (tx, e, schema) => setStatus(tx, e, schema, 'cancelled'),
    async CardLimitsChanged(tx, e, schema) {
      await tx.query(
        `update ${schema}.cards set daily_limit = $2, monthly_limit = $3, updated_at = $4, position = $5 where card_id = $1`,
        [cardId(e), e.data.daily_limit, e.data.monthly_limit, e.recorded_at, e.position.toString()],
      );
    },
  }),
};

/** Card events after CardIssued carry no id: it is the stream's (`card-<id>`). */
const cardId = (e: BankRecordedEvent): string => e.stream_id.slice('card-'.length);

async function setStatus(tx: Parameters<Projection['apply']>[0], e: BankRecordedEvent<'CardBlocked' | 'CardUnblocked' | 'CardCancelled'>, schema: string, status: string): Promise<void> {
  await tx.query(`update ${schema}.cards set status = $2, updated_at = $3, position = $4 where card_id = $1`, [
    cardId(e), status, e.recorded_at, e.position.toString(),
  ]);
}
