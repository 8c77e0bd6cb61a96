import type { CommandOf } from '../../shared/decider.js';
import type { AccountCommand } from '../commands.js';
import type { AccountEvent } from '../events.js';
import type { AccountState } from '../state.js';
import { mustExist } from './guards.js';
import { released } from './ledger-events.js';

/** Gives a hold back. Voiding gives money back: allowed on a frozen account. A hold already ended decides nothing. */
export function releaseHold(command: CommandOf<AccountCommand, 'ReleaseHold'>, state: AccountState): AccountEvent[] {
  mustExist(state);
  const hold = state.holds[command.transfer_id];
  return hold ? [released(state, command.transfer_id, hold, command.reason)] : [];
}
