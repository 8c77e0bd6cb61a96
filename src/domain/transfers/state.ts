import type { TransferEvent, TransferRequestedData } from './events.js';

export type PendingStatus = 'none' | 'pending_otp' | 'confirmed' | 'locked' | 'expired' | 'failed';

export interface TransferState {
  status: PendingStatus;
  request: TransferRequestedData | null;
  attempts_left: number;
  failure_code: string | null;
}

export const initialTransferState: TransferState = { status: 'none', request: null, attempts_left: 0, failure_code: null };

export function evolveTransfer(state: TransferState, event: TransferEvent): TransferState {
  switch (event.type) {
    case 'TransferRequested':
      return { status: 'pending_otp', request: event.data, attempts_left: event.data.attempts_left, failure_code: null };
    case 'TransferOtpFailed':
      return { ...state, attempts_left: event.data.attempts_left };
    case 'TransferLocked':
      return { ...state, status: 'locked', attempts_left: 0 };
    case 'TransferExpired':
      return { ...state, status: 'expired' };
    case 'TransferConfirmed':
      return { ...state, status: 'confirmed' };
    case 'TransferFailed':
      return { ...state, status: 'failed', failure_code: event.data.code };
  }
}
