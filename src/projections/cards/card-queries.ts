import type { Queryable } from '../../infra/db.js';
import { LIVE_SCHEMA } from '../runtime/projection.js';

export interface CardRow {
  card_id: string;
  account_number: string;
  owner_id: string;
  card_type: string;
  brand: string;
  last4: string;
  status: string;
  expiry_year: number;
  expiry_month: number;
  currency: string;
  daily_limit: string;
  monthly_limit: string;
  created_at: string;
  updated_at: string;
}

const COLUMNS = `card_id::text as card_id, account_number, owner_id, card_type, brand, last4, status, expiry_year,
  expiry_month, currency, daily_limit::text as daily_limit, monthly_limit::text as monthly_limit,
  to_json(created_at)#>>'{}' as created_at, to_json(updated_at)#>>'{}' as updated_at`;

/** The cards of one account, newest first. */
export function cardsOfAccount(db: Queryable, accountNumber: string, schema = LIVE_SCHEMA): Promise<CardRow[]> {
  return db.query<CardRow>(
    `select ${COLUMNS} from ${schema}.cards c where c.account_number = $1 order by c.created_at desc, c.position desc`,
    [accountNumber],
  );
}

/** One card, only when `ownerId` owns it. */
export async function ownedCard(db: Queryable, cardId: string, ownerId: string, schema = LIVE_SCHEMA): Promise<CardRow | undefined> {
  const rows = await db.query<CardRow>(`select ${COLUMNS} from ${schema}.cards where card_id = $1 and owner_id = $2`, [cardId, ownerId]);
  return rows[0];
}

/** Ids of the owner's cards not cancelled yet. */
export async function liveCardIdsOf(db: Queryable, ownerId: string, schema = LIVE_SCHEMA): Promise<string[]> {
  const rows = await db.query<{ card_id: string }>(`select card_id::text as card_id from ${schema}.cards where owner_id = $1 and status <> 'cancelled'`, [ownerId]);
  return rows.map((r) => r.card_id);
}
