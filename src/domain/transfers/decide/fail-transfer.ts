import type { CommandOf } from '../../shared/decider.js';
import type { TransferCommand } from '../commands.js';
import type { TransferEvent } from '../events.js';
import type { TransferState } from '../state.js';
import { notPending, transferNotFound } from '../errors.js';

/** A pending or confirmed transfer whose money could not move records why, once. */
export function failTransfer(command: CommandOf<TransferCommand, 'FailTransfer'>, state: TransferState): TransferEvent[] {
  if (!state.request) throw transferNotFound();
  if (state.status === 'failed') return [];
  if (state.status !== 'pending_otp' && state.status !== 'confirmed') throw notPending(state);
  return [{ type: 'TransferFailed', data: { transfer_id: state.request.transfer_id, code: command.code, reason: command.reason } }];
}
