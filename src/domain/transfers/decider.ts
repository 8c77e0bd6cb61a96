import { DomainError } from '../shared/domain-error.js';
import type { Decider } from '../shared/event.js';
import type { TransferEvent, TransferRequestedData } from './events.js';
import { evolveTransfer, initialTransferState, type TransferState } from './state.js';

export const OTP_ATTEMPTS = 3;
/** How long a transfer's code (and its hold) lasts unless configured otherwise (OTP_TTL_SECONDS). */
export const OTP_TTL_MS = 5 * 60_000;

export type TransferCommand =
  | { type: 'RequestTransfer'; request: TransferRequestedData }
  | {
      type: 'ConfirmTransfer';
      /** Whether the code given matches the stored hash (checked by the caller: hashing is I/O-bound work). */
      code_matches: boolean;
      now: Date;
    }
  | { type: 'FailTransfer'; code: string; reason: string }
  /** From the hold expiry process: a transfer still waiting for its code when it has run out expires. */
  | { type: 'ExpireTransfer'; now: Date };

const notPending = (state: TransferState) =>
  new DomainError('transfer_not_pending', `This transfer is ${state.status.replace('_', ' ')}, not waiting for a code.`, 409, { transfer_status: state.status });

/**
 * The one-time-code step of a high-value transfer. Confirming appends what
 * happened (a failed attempt, the lock, the expiry, or the confirmation);
 * the command handler turns the first three into 400/423/410 answers after
 * they are recorded. Confirming an already confirmed transfer with the right
 * code decides nothing new, so a retry (or a racing twin) goes on to the
 * idempotent money movement instead of moving money twice.
 */
export function decideTransfer(command: TransferCommand, state: TransferState): TransferEvent[] {
  switch (command.type) {
    case 'RequestTransfer':
      if (state.status !== 'none') {
        if (state.request?.transfer_id === command.request.transfer_id) return [];
        throw new DomainError('transfer_exists', 'A transfer with this id already exists.', 409);
      }
      return [{ type: 'TransferRequested', data: command.request }];
    case 'ConfirmTransfer': {
      const request = state.request;
      if (!request) throw new DomainError('not_found', 'Transfer not found.', 404);
      const id = request.transfer_id;
      if (state.status === 'locked') throw new DomainError('transfer_locked', 'Too many wrong codes: this transfer is locked.', 423);
      if (state.status === 'expired') throw new DomainError('otp_expired', 'The code has expired; request the transfer again.', 410);
      if (state.status === 'confirmed' && command.code_matches) return [];
      if (state.status !== 'pending_otp') throw notPending(state);
      if (command.now.getTime() >= Date.parse(request.expires_at)) return [{ type: 'TransferExpired', data: { transfer_id: id } }];
      if (!command.code_matches) {
        const left = Math.max(0, state.attempts_left - 1);
        const failed: TransferEvent = { type: 'TransferOtpFailed', data: { transfer_id: id, attempts_left: left } };
        return left === 0 ? [failed, { type: 'TransferLocked', data: { transfer_id: id } }] : [failed];
      }
      return [{ type: 'TransferConfirmed', data: { transfer_id: id } }];
    }
    case 'ExpireTransfer': {
      const request = state.request;
      if (!request) throw new DomainError('not_found', 'Transfer not found.', 404);
      if (state.status !== 'pending_otp' || command.now.getTime() < Date.parse(request.expires_at)) return [];
      return [{ type: 'TransferExpired', data: { transfer_id: request.transfer_id } }];
    }
    case 'FailTransfer':
      if (!state.request) throw new DomainError('not_found', 'Transfer not found.', 404);
      if (state.status === 'failed') return [];
      if (state.status !== 'pending_otp' && state.status !== 'confirmed') throw notPending(state);
      return [{ type: 'TransferFailed', data: { transfer_id: state.request.transfer_id, code: command.code, reason: command.reason } }];
  }
}

export const transferDecider: Decider<TransferCommand, TransferState, TransferEvent> = {
  initialState: initialTransferState,
  evolve: evolveTransfer,
  decide: decideTransfer,
};
