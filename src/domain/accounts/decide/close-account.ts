import { DomainError } from '../../shared/domain-error.js';
import type { CommandOf, DecisionContext } from '../../shared/decider.js';
import type { AccountCommand } from '../commands.js';
import type { AccountEvent } from '../events.js';
import type { AccountState } from '../state.js';
import { accountNotEmpty, isSystemAccount, mustExist } from './guards.js';

/** Closes a customer account for good, once it holds no money and no hold; closing twice records it once. */
export function closeAccount(command: CommandOf<AccountCommand, 'CloseAccount'>, state: AccountState, ctx: DecisionContext): AccountEvent[] {
  mustExist(state);
  if (isSystemAccount(state)) throw new DomainError('system_account', 'The bank\'s own accounts cannot be closed.', 409);
  if (state.status === 'closed') return [];
  if (state.balance !== 0n || Object.keys(state.holds).length > 0) throw accountNotEmpty(state);
  return [{ type: 'AccountClosed', data: { reason: command.reason, closed_at: ctx.now.toISOString() } }];
}
