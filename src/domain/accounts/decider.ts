import { DomainError } from '../shared/domain-error.js';
import type { Decider } from '../shared/event.js';
import type { AccountCommand } from './commands.js';
import { SYSTEM_ACCOUNT_TYPES, type AccountEvent } from './events.js';
import { available, evolveAccount, initialAccountState, type AccountState } from './state.js';
import { accountFrozen } from './errors.js';

const accountNotFound = () => new DomainError('account_not_found', 'Account not found.', 404);

const isSystemAccount = (state: AccountState) => (SYSTEM_ACCOUNT_TYPES as readonly string[]).includes(state.type);

function mustExist(state: AccountState): void {
  if (!state.exists) throw accountNotFound();
}

function mustBeActive(state: AccountState): void {
  mustExist(state);
  if (state.status === 'frozen') throw accountFrozen(state.account_number);
}

function positive(amount: bigint): void {
  if (amount <= 0n) throw new DomainError('invalid_amount', 'Amount must be greater than zero.', 400);
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
    case 'ReserveFunds': {
      mustBeActive(state);
      positive(command.amount);
      if (command.transfer_id in state.reservations) return [];
      const left = available(state) - command.amount;
      if (left < 0n) throw new DomainError('insufficient_funds', 'Insufficient funds.', 422);
      return [{ type: 'FundsReserved', data: { transfer_id: command.transfer_id, amount: command.amount.toString(), available_after: left.toString() } }];
    }
    case 'ReleaseReservation': {
      mustExist(state);
      const held = state.reservations[command.transfer_id];
      if (held === undefined) return [];
      return [{
        type: 'ReservationReleased',
        data: {
          transfer_id: command.transfer_id,
          amount: held.toString(),
          reason: command.reason,
          available_after: (available(state) + held).toString(),
        },
      }];
    }
    case 'DebitAccount': {
      mustBeActive(state);
      positive(command.amount);
      if (command.fee < 0n) throw new DomainError('invalid_amount', 'Fee cannot be negative.', 400);
      const total = command.amount + command.fee;
      if (command.from_reservation) {
        const held = state.reservations[command.transfer_id];
        if (held === undefined || held !== total) {
          throw new DomainError('reservation_missing', 'No matching hold for this transfer.', 409);
        }
      } else if (available(state) < total && state.type !== 'BankCash') {
        throw new DomainError('insufficient_funds', 'Insufficient funds.', 422);
      }
      if (command.credit_amount <= 0n) throw new DomainError('invalid_amount', 'Credited amount must be greater than zero.', 400);
      if (command.fee > 0n && command.fee_account === null) throw new DomainError('invalid_fee', 'A fee needs a fee account.', 400);
      return [{
        type: 'AccountDebited',
        data: {
          transfer_id: command.transfer_id,
          kind: command.kind,
          amount: command.amount.toString(),
          fee: command.fee.toString(),
          counterparty_account: command.counterparty_account,
          credit_amount: command.credit_amount.toString(),
          fx: command.fx,
          fee_account: command.fee_account,
          from_reservation: command.from_reservation,
          balance_after: (state.balance - total).toString(),
        },
      }];
    }
    case 'CreditAccount':
      // Completes a transfer whose debit is already recorded. A customer account
      // frozen since the transfer's checks refuses it; the refusal takes the
      // credit's event id, so whoever settles first decides and the sender is
      // then reversed. The bank's own accounts always take their side.
      mustExist(state);
      positive(command.amount);
      if (state.status === 'frozen' && !isSystemAccount(state)) {
        return [{
          type: 'CreditRefused',
          data: {
            transfer_id: command.transfer_id,
            kind: command.kind,
            amount: command.amount.toString(),
            counterparty_account: command.counterparty_account,
            reason: 'account_frozen',
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
      if (state.status === 'frozen') throw new DomainError('already_frozen', `Account ${state.account_number} is already frozen.`, 409);
      return [{ type: 'AccountFrozen', data: { reason: command.reason } }];
    case 'UnfreezeAccount':
      mustExist(state);
      if (state.status === 'active') throw new DomainError('already_active', `Account ${state.account_number} is already active.`, 409);
      return [{ type: 'AccountUnfrozen', data: { reason: command.reason } }];
  }
}

export const accountDecider: Decider<AccountCommand, AccountState, AccountEvent> = {
  initialState: initialAccountState,
  evolve: evolveAccount,
  decide: decideAccount,
};

export const accountStream = (accountNumber: string): string => `account-${accountNumber}`;
