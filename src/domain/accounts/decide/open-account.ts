import { DomainError } from '../../shared/domain-error.js';
import type { CommandOf } from '../../shared/decider.js';
import type { AccountCommand } from '../commands.js';
import type { AccountEvent } from '../events.js';
import type { AccountState } from '../state.js';

/** Opens an account once. */
export function openAccount(command: CommandOf<AccountCommand, 'OpenAccount'>, state: AccountState): AccountEvent[] {
  if (state.exists) throw new DomainError('account_exists', 'Account already exists.', 409);
  return [{
    type: 'AccountOpened',
    data: { account_number: command.account_number, owner_id: command.owner_id, type: command.account_type, currency: command.currency },
  }];
}
