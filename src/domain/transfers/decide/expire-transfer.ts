import type { CommandOf, DecisionContext } from '../../shared/decider.js';
import type { TransferCommand } from '../commands.js';
import type { TransferEvent } from '../events.js';
import type { TransferState } from '../state.js';
import { transferNotFound } from '../errors.js';

/** A transfer still waiting for its code when its time has run out expires; otherwise nothing. */
export function expireTransfer(command: CommandOf<TransferCommand, 'ExpireTransfer'>, state: TransferState, ctx: DecisionContext): TransferEvent[] {
  const request = state.request;
  if (!request) throw transferNotFound();
  if (state.status !== 'pending_otp' || ctx.now.getTime() < Date.parse(request.expires_at)) return [];
  return [{ type: 'TransferExpired', data: { transfer_id: request.transfer_id } }];
}
