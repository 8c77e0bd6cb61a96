import type { TransferRequestedData } from './events.js';

/** The commands of a transfer's own stream: the one-time-code step of a high-value transfer. */
export type TransferCommand =
  | { type: 'RequestTransfer'; request: TransferRequestedData }
  | {
      type: 'ConfirmTransfer';
      /** Whether the code given matches the stored hash (checked by the caller: hashing is I/O-bound work). */
      code_matches: boolean;
    }
  | { type: 'FailTransfer'; code: string; reason: string }
  /** From the hold expiry process: a transfer still waiting for its code when it has run out expires. */
  | { type: 'ExpireTransfer' };
