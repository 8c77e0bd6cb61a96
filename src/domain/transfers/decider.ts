import { dispatch } from '../shared/decider.js';
import type { Decider } from '../shared/event.js';
import type { TransferCommand } from './commands.js';
import { confirmTransfer } from './decide/confirm-transfer.js';
import { expireTransfer } from './decide/expire-transfer.js';
import { failTransfer } from './decide/fail-transfer.js';
import { requestTransfer } from './decide/request-transfer.js';
import type { TransferEvent } from './events.js';
import { evolveTransfer, initialTransferState, type TransferState } from './state.js';

export const OTP_ATTEMPTS = 3;
/** How long a transfer's code (and its hold) lasts unless configured otherwise (OTP_TTL_SECONDS). */
export const OTP_TTL_MS = 5 * 60_000;

/**
 * The transfer's own stream: the one-time-code step of a high-value transfer
 * (request, confirm, expire, fail), one decide function per command in
 * decide/<command>.ts. The money itself moves on the account streams: see
 * money.ts in this folder.
 */
export const decideTransfer = dispatch<TransferCommand, TransferState, TransferEvent>({
  RequestTransfer: requestTransfer,
  ConfirmTransfer: confirmTransfer,
  ExpireTransfer: expireTransfer,
  FailTransfer: failTransfer,
});

export const transferDecider: Decider<TransferCommand, TransferState, TransferEvent> = {
  initialState: initialTransferState,
  evolve: evolveTransfer,
  decide: decideTransfer,
};
