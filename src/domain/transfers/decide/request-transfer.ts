import { DomainError } from '../../shared/domain-error.js';
import type { CommandOf } from '../../shared/decider.js';
import type { TransferCommand } from '../commands.js';
import type { TransferEvent } from '../events.js';
import type { TransferState } from '../state.js';

/** Records a request once; the same request again (a retry) adds nothing. */
export function requestTransfer(command: CommandOf<TransferCommand, 'RequestTransfer'>, state: TransferState): TransferEvent[] {
  if (state.status !== 'none') {
    if (state.request?.transfer_id === command.request.transfer_id) return [];
    throw new DomainError('transfer_exists', 'A transfer with this id already exists.', 409);
  }
  return [{ type: 'TransferRequested', data: command.request }];
}
