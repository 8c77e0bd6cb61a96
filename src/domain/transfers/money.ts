/**
 * The money of a transfer, found from here. A transfer's own stream
 * (decider.ts) keeps only its one-time-code step; the money moves on the
 * account streams, each leg decided by the account aggregate in its own file
 * (src/domain/accounts/decide/):
 *
 *   holdFunds       HoldFunds       sets amount + fee aside while a code is awaited
 *   releaseHold     ReleaseHold     gives a hold back (expired, locked, frozen, code mail failed)
 *   postHold        PostHold        turns the hold into the sender's debit (or voids it if frozen)
 *   debitAccount    DebitAccount    debits the sender amount + fee at once (no code needed)
 *   creditAccount   CreditAccount   credits the receiver, or records its refusal when frozen
 *   postFxPosition  PostFxPosition  moves the bank's currency position of a conversion
 *   reverseDebit    ReverseDebit    returns a debit whose credit was refused
 *
 * What a debit owes (credit, fee, FX) is DebitTerms. Before any of it:
 * pricing.ts (fee, conversion, limits) and parties.ts (who may send to whom).
 * The command side runs the legs in src/commands/transfers (make-transfer,
 * move-money, settle, holds, held-transfer).
 */
export type { DebitTerms } from '../accounts/commands.js';
export { creditAccount } from '../accounts/decide/credit-account.js';
export { debitAccount } from '../accounts/decide/debit-account.js';
export { holdFunds } from '../accounts/decide/hold-funds.js';
export { postFxPosition } from '../accounts/decide/post-fx-position.js';
export { postHold } from '../accounts/decide/post-hold.js';
export { releaseHold } from '../accounts/decide/release-hold.js';
export { reverseDebit } from '../accounts/decide/reverse-debit.js';
