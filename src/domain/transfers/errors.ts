import { DomainError } from '../shared/domain-error.js';
import type { TransferState } from './state.js';

export const transferNotFound = () => new DomainError('not_found', 'Transfer not found.', 404);
export const notPending = (state: TransferState) =>
  new DomainError('transfer_not_pending', `This transfer is ${state.status.replace('_', ' ')}, not waiting for a code.`, 409, { transfer_status: state.status });
