import type { Queryable } from '../../infra/db.js';
import { LIVE_SCHEMA } from '../runtime/projection.js';

export interface TransferRow {
  transfer_id: string;
  kind: string;
  status: string;
  sender_account: string;
  receiver_account: string;
  amount: string;
  fee: string;
  currency: string;
  credited_amount: string;
  receiver_currency: string;
  fx: Record<string, string> | null;
  sender_balance_after: string | null;
  receiver_balance_after: string | null;
  attempts_left: number | null;
  failure_code: string | null;
  receiver_owned: boolean;
  created_at: string;
  created_position: string;
}

export type TransferList = 'internal' | 'external';
export type TransferOrdering = 'created_at' | '-created_at' | 'amount' | '-amount';

export interface TransferFilter {
  account_number?: string | undefined;
  /** Inclusive calendar dates (UTC), YYYY-MM-DD. */
  from?: string | undefined;
  to?: string | undefined;
  ordering: TransferOrdering;
  /** Continue after this row (its sort key and position). */
  after?: { amount: bigint; position: bigint } | undefined;
  limit: number;
}

/**
 * The caller's transfers. Internal: both accounts are the caller's. External:
 * sent from the caller's account to another customer's. Bill payments have
 * their own list. Fetches limit+1 rows, so the caller knows if more exist.
 */
export function listTransfers(db: Queryable, ownerId: string, list: TransferList, f: TransferFilter, schema = LIVE_SCHEMA): Promise<TransferRow[]> {
  const params: unknown[] = [ownerId];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = [`s.owner_id = $1`, `t.kind in ('internal', 'external')`, list === 'internal' ? `r.owner_id = $1` : `r.owner_id <> $1`];
  if (f.account_number !== undefined) {
    const n = p(f.account_number);
    where.push(list === 'internal' ? `(t.sender_account = ${n} or t.receiver_account = ${n})` : `t.sender_account = ${n}`);
  }
  if (f.from !== undefined) where.push(`t.created_at >= (${p(f.from)}::date)::timestamp at time zone 'UTC'`);
  if (f.to !== undefined) where.push(`t.created_at < (${p(f.to)}::date + 1)::timestamp at time zone 'UTC'`);
  const desc = f.ordering.startsWith('-');
  const byAmount = f.ordering.endsWith('amount');
  const cmp = desc ? '<' : '>';
  if (f.after) {
    where.push(
      byAmount
        ? `(t.amount, t.created_position) ${cmp} (${p(f.after.amount.toString())}::bigint, ${p(f.after.position.toString())}::bigint)`
        : `t.created_position ${cmp} ${p(f.after.position.toString())}::bigint`,
    );
  }
  const dir = desc ? 'desc' : 'asc';
  const order = byAmount ? `t.amount ${dir}, t.created_position ${dir}` : `t.created_position ${dir}`;
  return db.query<TransferRow>(
    `select t.transfer_id, t.kind, t.status, t.sender_account, t.receiver_account, t.amount::text as amount, t.fee::text as fee,
            t.currency, t.credited_amount::text as credited_amount, t.receiver_currency, t.fx,
            t.sender_balance_after::text as sender_balance_after, t.receiver_balance_after::text as receiver_balance_after,
            t.attempts_left, t.failure_code, (r.owner_id = $1) as receiver_owned,
            to_json(t.created_at)#>>'{}' as created_at, t.created_position::text as created_position
       from ${schema}.transfers t
       join ${schema}.transfer_accounts s on s.account_number = t.sender_account
       join ${schema}.transfer_accounts r on r.account_number = t.receiver_account
      where ${where.join(' and ')}
      order by ${order}
      limit ${p(f.limit + 1)}`,
    params,
  );
}
