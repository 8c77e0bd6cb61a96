import { dispatch } from '../shared/decider.js';
import type { Decider } from '../shared/event.js';
import type { AccountCommand } from './commands.js';
import { closeAccount } from './decide/close-account.js';
import { creditAccount } from './decide/credit-account.js';
import { debitAccount } from './decide/debit-account.js';
import { depositFunds } from './decide/deposit-funds.js';
import { freezeAccount } from './decide/freeze-account.js';
import { holdFunds } from './decide/hold-funds.js';
import { openAccount } from './decide/open-account.js';
import { postFxPosition } from './decide/post-fx-position.js';
import { postHold } from './decide/post-hold.js';
import { releaseHold } from './decide/release-hold.js';
import { reverseDebit } from './decide/reverse-debit.js';
import { unfreezeAccount } from './decide/unfreeze-account.js';
import type { AccountEvent } from './events.js';
import { evolveAccount, initialAccountState, type AccountState } from './state.js';

/**
 * The account aggregate: one decide function per command, in decide/<command>.ts.
 * A transfer's money legs (hold, debit, post, credit, FX position, reversal)
 * are decided here, on the account streams; src/domain/transfers/money.ts
 * names them from the transfer's side.
 */
export const decideAccount = dispatch<AccountCommand, AccountState, AccountEvent>({
  OpenAccount: openAccount,
  DepositFunds: depositFunds,
  HoldFunds: holdFunds,
  ReleaseHold: releaseHold,
  DebitAccount: debitAccount,
  PostHold: postHold,
  CreditAccount: creditAccount,
  PostFxPosition: postFxPosition,
  ReverseDebit: reverseDebit,
  FreezeAccount: freezeAccount,
  UnfreezeAccount: unfreezeAccount,
  CloseAccount: closeAccount,
});

export const accountDecider: Decider<AccountCommand, AccountState, AccountEvent> = {
  initialState: initialAccountState,
  evolve: evolveAccount,
  decide: decideAccount,
};

export const accountStream = (accountNumber: string): string => `account-${accountNumber}`;
