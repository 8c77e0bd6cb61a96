import { DomainError } from '../../shared/domain-error.js';
import type { CommandOf, DecisionContext } from '../../shared/decider.js';
import type { TransferCommand } from '../commands.js';
import type { TransferEvent } from '../events.js';
import type { TransferState } from '../state.js';
import { notPending, transferNotFound } from '../errors.js';

/**
 * Confirming appends what happened (a failed attempt, the lock, the expiry,
 * or the confirmation); the command handler turns the first three into
 * 400/423/410 answers after they are recorded. Confirming an already
 * confirmed transfer with the right code decides nothing new, so a retry (or
 * a racing twin) goes on to the idempotent money movement instead of moving
 * money twice.
 */
export function confirmTransfer(command: CommandOf<TransferCommand, 'ConfirmTransfer'>, state: TransferState, ctx: DecisionContext): TransferEvent[] {
  const request = state.request;
  if (!request) throw transferNotFound();
  const id = request.transfer_id;
  if (state.status === 'locked') throw new DomainError('transfer_locked', 'Too many wrong codes: this transfer is locked.', 423);
  if (state.status === 'expired') throw new DomainError('otp_expired', 'The code has expired; request the transfer again.', 410);
  if (state.status === 'confirmed' && command.code_matches) return [];
  if (state.status !== 'pending_otp') throw notPending(state);
  if (ctx.now.getTime() >= Date.parse(request.expires_at)) return [{ type: 'TransferExpired', data: { transfer_id: id } }];
  if (!command.code_matches) {
    const left = Math.max(0, state.attempts_left - 1);
    const failed: TransferEvent = { type: 'TransferOtpFailed', data: { transfer_id: id, attempts_left: left } };
    return left === 0 ? [failed, { type: 'TransferLocked', data: { transfer_id: id } }] : [failed];
  }
  return [{ type: 'TransferConfirmed', data: { transfer_id: id } }];
}
