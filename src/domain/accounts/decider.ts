import { DomainError } from '../shared/domain-error.js';
import type { Decider } from '../shared/event.js';
import type { AccountCommand, DebitTerms } from './commands.js';
import { SYSTEM_ACCOUNT_TYPES, type AccountEvent, type HoldReleaseReason } from './events.js';
import type { Hold } from './ledger-effect.js';
import { available, evolveAccount, initialAccountState, type AccountState } from './state.js';
import { accountClosed, assertOpenForUse } from './errors.js';

const accountNotFound = () => new DomainError('account_not_found', 'Account not found.', 404);

const isSystemAccount = (state: AccountState) => (SYSTEM_ACCOUNT_TYPES as readonly string[]).includes(state.type);

function mustExist(state: AccountState): void {
  if (!state.exists) throw accountNotFound();
}

function mustBeActive(state: AccountState): void {
  mustExist(state);
  assertOpenForUse(state);
}

function positive(amount: bigint): void {
  if (amount <= 0n) throw new DomainError('invalid_amount', 'Amount must be greater than zero.', 400);
}

function notNegativeFee(fee: bigint): void {
  if (fee < 0n) throw new DomainError('invalid_amount', 'Fee cannot be negative.', 400);
}

/** 409: an account still holding money or a hold cannot be closed. */
export const accountNotEmpty = (state: AccountState) =>
  new DomainError('account_not_empty', `Account ${state.account_number} still holds money or a hold.`, 409, {
    account_number: state.account_number,
  });

const insufficientFunds = () => new DomainError('insufficient_funds', 'Insufficient funds.', 422);

function checkDebit(terms: DebitTerms): void {
  positive(terms.amount);
  notNegativeFee(terms.fee);
  if (terms.credit_amount <= 0n) throw new DomainError('invalid_amount', 'Credited amount must be greater than zero.', 400);
  if (terms.fee > 0n && terms.fee_account === null) throw new DomainError('invalid_fee', 'A fee needs a fee account.', 400);
}

function debited(state: AccountState, t: DebitTerms, fromHold: boolean): AccountEvent {
  return {
    type: 'AccountDebited',
    data: {
      transfer_id: t.transfer_id,
      kind: t.kind,
      amount: t.amount.toString(),
      fee: t.fee.toString(),
      counterparty_account: t.counterparty_account,
      credit_amount: t.credit_amount.toString(),
      fx: t.fx,
      fee_account: t.fee_account,
      from_reservation: fromHold,
      balance_after: (state.balance - t.amount - t.fee).toString(),
    },
  };
}

function released(state: AccountState, transferId: string, hold: Hold, reason: HoldReleaseReason): AccountEvent {
  return {
    type: 'HoldReleased',
    data: {
      transfer_id: transferId,
      kind: hold.kind,
      amount: hold.total.toString(),
      reason,
      counterparty_account: hold.counterparty_account,
      balance_after: state.balance.toString(),
      available_after: (available(state) + hold.total).toString(),
    },
  };
}

export function decideAccount(command: AccountCommand, state: AccountState): AccountEvent[] {
  switch (command.type) {
    case 'OpenAccount':
      if (state.exists) throw new DomainError('account_exists', 'Account already exists.', 409);
      return [{
        type: 'AccountOpened',
        data: { account_number: command.account_number, owner_id: command.owner_id, type: command.account_type, currency: command.currency },
      }];
    case 'DepositFunds':
      mustBeActive(state);
      positive(command.amount);
      return [{
        type: 'FundsDeposited',
        data: {
          deposit_id: command.deposit_id,
          amount: command.amount.toString(),
          balance_after: (state.balance + command.amount).toString(),
          reference: command.reference,
        },
      }];
    case 'HoldFunds': {
      mustBeActive(state);
      positive(command.amount);
      notNegativeFee(command.fee);
      // One hold per transfer: placing it again (a retry) decides nothing.
      if (command.transfer_id in state.holds) return [];
      const left = available(state) - (command.amount + command.fee);
      if (left < 0n) throw insufficientFunds();
      return [{
        type: 'FundsHeld',
        data: {
          transfer_id: command.transfer_id,
          kind: command.kind,
          amount: command.amount.toString(),
          fee: command.fee.toString(),
          counterparty_account: command.counterparty_account,
          expires_at: command.expires_at,
          balance_after: state.balance.toString(),
          available_after: left.toString(),
        },
      }];
    }
    case 'ReleaseHold': {
      // Voiding gives money back: allowed on a frozen account. A hold already ended decides nothing.
      mustExist(state);
      const hold = state.holds[command.transfer_id];
      return hold ? [released(state, command.transfer_id, hold, command.reason)] : [];
    }
    case 'DebitAccount':
      mustBeActive(state);
      checkDebit(command);
      if (available(state) < command.amount + command.fee && state.type !== 'BankCash') throw insufficientFunds();
      return [debited(state, command, false)];
    case 'PostHold': {
      // The money was set aside when the hold was placed: posting cannot fail for funds. A sender
      // frozen since then voids the hold instead, in the same decision, so a hold ends once.
      mustExist(state);
      checkDebit(command);
      const hold = state.holds[command.transfer_id];
      if (!hold) return [];
      if (hold.total !== command.amount + command.fee) {
        throw new DomainError('hold_mismatch', 'The hold of this transfer is for another amount.', 409);
      }
      if (state.status !== 'active') return [released(state, command.transfer_id, hold, 'sender_frozen')];
      return [debited(state, command, true)];
    }
    case 'CreditAccount':
      // Completes a transfer whose debit is already recorded. A customer account
      // frozen since the transfer's checks refuses it; the refusal takes the
      // credit's event id, so whoever settles first decides and the sender is
      // then reversed. The bank's own accounts always take their side.
      mustExist(state);
      positive(command.amount);
      if (state.status !== 'active' && !isSystemAccount(state)) {
        return [{
          type: 'CreditRefused',
          data: {
            transfer_id: command.transfer_id,
            kind: command.kind,
            amount: command.amount.toString(),
            counterparty_account: command.counterparty_account,
            reason: state.status === 'closed' ? 'account_closed' : 'account_frozen',
          },
        }];
      }
      return [{
        type: 'AccountCredited',
        data: {
          transfer_id: command.transfer_id,
          kind: command.kind,
          amount: command.amount.toString(),
          counterparty_account: command.counterparty_account,
          fx: command.fx,
          balance_after: (state.balance + command.amount).toString(),
        },
      }];
    case 'PostFxPosition':
      // The bank's currency position moves either way; only its BankFx accounts take it.
      mustExist(state);
      if (state.type !== 'BankFx') throw new DomainError('not_fx_account', 'Only an FX position account takes FX postings.', 409);
      if (command.amount === 0n) throw new DomainError('invalid_amount', 'An FX posting cannot be zero.', 400);
      return [{
        type: 'FxPositionPosted',
        data: {
          transfer_id: command.transfer_id,
          kind: command.kind,
          amount: command.amount.toString(),
          balance_after: (state.balance + command.amount).toString(),
        },
      }];
    case 'ReverseDebit':
      // A reversal returns money already taken: allowed on a frozen account.
      mustExist(state);
      positive(command.amount);
      return [{
        type: 'DebitReversed',
        data: {
          transfer_id: command.transfer_id,
          amount: command.amount.toString(),
          reason: command.reason,
          balance_after: (state.balance + command.amount).toString(),
        },
      }];
    case 'FreezeAccount':
      mustExist(state);
      if (state.status === 'closed') throw accountClosed(state.account_number);
      if (state.status === 'frozen') throw new DomainError('already_frozen', `Account ${state.account_number} is already frozen.`, 409);
      return [{ type: 'AccountFrozen', data: { reason: command.reason } }];
    case 'UnfreezeAccount':
      mustExist(state);
      if (state.status === 'closed') throw accountClosed(state.account_number);
      if (state.status === 'active') throw new DomainError('already_active', `Account ${state.account_number} is already active.`, 409);
      return [{ type: 'AccountUnfrozen', data: { reason: command.reason } }];
    case 'CloseAccount':
      mustExist(state);
      if (isSystemAccount(state)) throw new DomainError('system_account', 'The bank\'s own accounts cannot be closed.', 409);
      // Closing twice records it once.
      if (state.status === 'closed') return [];
      if (state.balance !== 0n || Object.keys(state.holds).length > 0) throw accountNotEmpty(state);
      return [{ type: 'AccountClosed', data: { reason: command.reason, closed_at: command.at.toISOString() } }];
  }
}

export const accountDecider: Decider<AccountCommand, AccountState, AccountEvent> = {
  initialState: initialAccountState,
  evolve: evolveAccount,
  decide: decideAccount,
};

export const accountStream = (accountNumber: string): string => `account-${accountNumber}`;
