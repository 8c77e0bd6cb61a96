import { randomUUID } from 'node:crypto';
import type { AccountState } from '../../domain/accounts/state.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { accountAggregate, accountStream } from '../accounts/account-aggregate.js';
import { BANK_OWNER_ID } from '../accounts/system-accounts.js';
import type { CommandContext } from '../shared/command-context.js';
import { idsFrom } from '../shared/ids.js';
import { recordAdminAction } from './admin-action.js';
import type { AdminDeps } from './admin-deps.js';

export interface AccountActionResult {
  account: AccountState;
  incident_id: string;
  position: bigint;
}

/**
 * Freezes or unfreezes a customer account (409 when it already is so; 404 for
 * unknown and for the bank's own accounts), then records the staff action.
 */
export async function setAccountFrozen(deps: AdminDeps, ctx: CommandContext, accountNumber: string, frozen: boolean, reason: string): Promise<AccountActionResult> {
  const stream = accountStream(accountNumber);
  const { state } = await deps.repo.load(accountAggregate, stream);
  if (!state.exists || state.owner_id === BANK_OWNER_ID) throw new DomainError('account_not_found', `Account ${accountNumber} not found.`, 404);
  const command = frozen ? { type: 'FreezeAccount' as const, reason } : { type: 'UnfreezeAccount' as const, reason };
  const decided = await deps.repo.execute(accountAggregate, stream, command, ctx, idsFrom(randomUUID()));
  const recorded = await recordAdminAction(deps.repo, ctx, {
    action: frozen ? 'FREEZE_ACCOUNT' : 'UNFREEZE_ACCOUNT',
    target_type: 'Account',
    target_id: accountNumber,
    user_id: state.owner_id,
    account_number: accountNumber,
    reason,
    details: {},
  }, decided.events[0]?.event_id ?? randomUUID());
  return { account: decided.state, incident_id: recorded.incident_id, position: recorded.position };
}
