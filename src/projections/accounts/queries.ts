import type { Queryable } from '../../infra/db.js';

export interface AccountRow {
  account_number: string;
  owner_id: string;
  type: string;
  currency: string;
  status: string;
  balance: string;
  held: string;
  opened_at: Date;
  updated_at: Date;
}

export interface EntryRow {
  event_id: string;
  position: string;
  transfer_id: string;
  kind: string;
  direction: string;
  amount: string;
  fee: string;
  balance_after: string;
  counterparty_account: string | null;
  fx: Record<string, string> | null;
  occurred_at: Date;
}

const ACCOUNT_COLUMNS = `account_number, owner_id, type, currency, status, balance::text as balance, held::text as held, opened_at, updated_at`;

const ORDERINGS: Record<string, string> = {
  balance: 'a.balance asc, a.account_number',
  '-balance': 'a.balance desc, a.account_number',
  created_at: 'a.opened_at asc, a.account_number',
  '-created_at': 'a.opened_at desc, a.account_number',
};

export const ACCOUNT_ORDERINGS = Object.keys(ORDERINGS);

export async function listAccounts(db: Queryable, ownerId: string, filter: { type?: string; ordering?: string }): Promise<AccountRow[]> {
  // Ordered by table columns; the text aliases above must never be what is sorted.
  const order = ORDERINGS[filter.ordering ?? '-created_at'] ?? ORDERINGS['-created_at']!;
  const params: unknown[] = [ownerId];
  let where = 'owner_id = $1';
  if (filter.type) {
    params.push(filter.type);
    where += ` and type = $${params.length}`;
  }
  return db.query<AccountRow>(`select ${ACCOUNT_COLUMNS} from rm.accounts a where ${where} order by ${order} limit 500`, params);
}

export async function findAccount(db: Queryable, accountNumber: string): Promise<AccountRow | undefined> {
  const rows = await db.query<AccountRow>(`select ${ACCOUNT_COLUMNS} from rm.accounts where account_number = $1`, [accountNumber]);
  return rows[0];
}

/** Newest first; `before` continues below a position. Fetches limit+1 rows. */
export async function statementEntries(db: Queryable, accountNumber: string, limit: number, before: bigint | undefined): Promise<EntryRow[]> {
  const params: unknown[] = [accountNumber, limit + 1];
  let where = 'account_number = $1';
  if (before !== undefined) {
    params.push(before.toString());
    where += ' and position < $3::bigint';
  }
  return db.query<EntryRow>(
    `select event_id::text as event_id, position::text as position, transfer_id, kind, direction, amount::text as amount,
            fee::text as fee, balance_after::text as balance_after, counterparty_account, fx, occurred_at
       from rm.account_entries e where ${where} order by e.position desc limit $2`,
    params,
  );
}
