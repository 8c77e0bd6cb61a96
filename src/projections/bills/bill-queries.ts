import type { Queryable } from '../../infra/db.js';
import { LIVE_SCHEMA } from '../runtime/projection.js';

export interface BillRow {
  bill_id: string;
  owner_id: string;
  biller_id: string;
  biller_name: string;
  category: string;
  account_number: string;
  reference: string;
  amount: string;
  currency: string;
  credit_amount: string;
  biller_currency: string;
  fx: Record<string, string> | null;
  position: string;
  paid_at: string;
}

const COLUMNS = `bill_id::text as bill_id, owner_id, biller_id, biller_name, category, account_number, reference,
  amount::text as amount, currency, credit_amount::text as credit_amount, biller_currency, fx,
  position::text as position, to_json(paid_at)#>>'{}' as paid_at`;

export interface BillFilter {
  biller_id?: string | undefined;
  account_number?: string | undefined;
}

/** The owner's bill payments, newest first; `before` continues below a position. Fetches limit+1 rows. */
export function ownerBills(db: Queryable, ownerId: string, filter: BillFilter, limit: number, before: bigint | undefined, schema = LIVE_SCHEMA): Promise<BillRow[]> {
  const params: unknown[] = [ownerId];
  let where = 'owner_id = $1';
  if (filter.biller_id !== undefined) {
    params.push(filter.biller_id);
    where += ` and biller_id = $${params.length}`;
  }
  if (filter.account_number !== undefined) {
    params.push(filter.account_number);
    where += ` and account_number = $${params.length}`;
  }
  if (before !== undefined) {
    params.push(before.toString());
    where += ` and position < $${params.length}::bigint`;
  }
  params.push(limit + 1);
  return db.query<BillRow>(`select ${COLUMNS} from ${schema}.bill_payments where ${where} order by bill_payments.position desc limit $${params.length}`, params);
}

/** One bill payment, only when `ownerId` made it. */
export async function ownedBill(db: Queryable, billId: string, ownerId: string, schema = LIVE_SCHEMA): Promise<BillRow | undefined> {
  const rows = await db.query<BillRow>(`select ${COLUMNS} from ${schema}.bill_payments where bill_id = $1 and owner_id = $2`, [billId, ownerId]);
  return rows[0];
}
