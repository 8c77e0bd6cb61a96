import { DomainError } from '../../domain/shared/domain-error.js';
import { formatAmount } from '../../domain/money/amount.js';
import type { AccountState } from '../../domain/accounts/state.js';
import { userStream } from '../../domain/users/decider.js';
import { listAccounts } from '../../projections/accounts/queries.js';
import { liveCardIdsOf } from '../../projections/cards/card-queries.js';
import { accountAggregate, accountStream } from '../accounts/account-aggregate.js';
import type { AdminDeps } from '../admin/admin-deps.js';
import { revokeAllSessions } from '../admin/terminate-sessions.js';
import { cancelCard } from '../cards/cancel-card.js';
import type { CommandContext } from '../shared/command-context.js';
import { deterministicId } from '../shared/ids.js';
import type { AuthDeps } from './auth-deps.js';
import { eraseUser, type Erasure, type ErasureDeps } from './erase-user.js';
import { loadUser, userAggregate } from './load-user.js';
import { currentPasswordHash, verifyPassword } from './passwords.js';
import { wrongCurrent } from './set-password.js';
import { sendClosedMail } from './user-mails.js';

export type ClosureDeps = ErasureDeps & AdminDeps & Pick<AuthDeps, 'mailer' | 'logger' | 'config'>;

export interface Closure {
  user_id: string;
  accounts_closed: string[];
  cards_cancelled: string[];
  sessions_revoked: string[];
  erasure: Erasure;
}

const holdsMoney = (a: AccountState) => a.status !== 'closed' && (a.balance !== 0n || Object.keys(a.holds).length > 0);

/** 409: the customer must first move out every amount and wait for every hold to end. */
const customerHasFunds = (accounts: AccountState[]) =>
  new DomainError('customer_has_funds', 'The customer cannot be closed while an account holds money or a hold.', 409, {
    errors: accounts.map((a) => ({
      field: `account:${a.account_number}`,
      message: `Balance ${formatAmount(a.balance, a.currency)} ${a.currency}, ${Object.keys(a.holds).length} hold(s).`,
    })),
  });

/**
 * Closes a customer (DELETE /auth/users/me) instead of the reference's cascade
 * delete: after the current password, every account of the user is read from
 * its own stream, and any balance or hold refuses the whole closure (409,
 * nothing changed). Otherwise each account is closed (AccountClosed; the
 * decider re-checks the balance atomically), each card cancelled, the user
 * marked closed (CustomerClosed: no login from here on), every session
 * revoked, and the personal data erased by the key erasure (eraseUser). The
 * ledger keeps every amount: balances are zero, history and hash chains stay.
 * Every step is idempotent, so a closure cut short is finished by an operator
 * (`cli erase-user`) or, before CustomerClosed, by the customer asking again.
 * Known limit: a transfer the customer sent whose debit is recorded but whose
 * credit is still being settled is not waited for; should its receiver refuse
 * it, the reversal (which is never refused) returns the money to the closed
 * account, where the ledger and the audit balance show it for an operator.
 */
export async function closeCustomer(deps: ClosureDeps, userId: string, currentPassword: string, ctx: CommandContext): Promise<Closure> {
  const user = await loadUser(deps.repo, userId);
  if (!(await verifyPassword(await currentPasswordHash(deps.credentials, user), currentPassword))) throw wrongCurrent();
  if (user.is_staff) throw new DomainError('staff_cannot_close', 'A staff member is closed by an operator, not through this endpoint.', 409);
  // The user's accounts and cards are listed from the read models once they hold everything committed.
  const head = await deps.store.committedHead();
  if (!(await deps.readModels.waitForPosition(head, 10_000))) throw new Error('read models did not catch up; accounts not listed');
  const numbers = (await listAccounts(deps.db, userId, {})).map((a) => a.account_number);
  const accounts = await Promise.all(numbers.map(async (n) => (await deps.repo.load(accountAggregate, accountStream(n))).state));
  const holding = accounts.filter(holdsMoney);
  if (holding.length > 0) throw customerHasFunds(holding);

  const accounts_closed: string[] = [];
  for (const account of accounts.filter((a) => a.status !== 'closed')) {
    await deps.repo.execute(accountAggregate, accountStream(account.account_number), { type: 'CloseAccount', reason: 'customer_closed' }, ctx, () =>
      deterministicId('account-closed', account.account_number),
    );
    accounts_closed.push(account.account_number);
  }
  const cards_cancelled: string[] = [];
  for (const cardId of await liveCardIdsOf(deps.db, userId)) {
    await cancelCard(deps, ctx, { caller_id: userId, card_id: cardId, reason: 'customer_closed' });
    cards_cancelled.push(cardId);
  }
  await deps.repo.execute(userAggregate, userStream(userId), { type: 'CloseCustomer' }, ctx, () => deterministicId('customer-closed', userId));
  const sessions_revoked = await revokeAllSessions(deps, ctx, userId);
  // The last mail to the address, sent before the key that opens it is destroyed.
  if (user.email) sendClosedMail(deps, user.email);
  const erasure = await eraseUser(deps, userId, ctx);
  return { user_id: userId, accounts_closed, cards_cancelled, sessions_revoked, erasure };
}
