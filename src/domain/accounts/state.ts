import type { Currency } from '../money/currency.js';
import type { AccountEvent, AccountType } from './events.js';
import { applyLedgerEffect, availableBalance, ledgerEffect, type Ledger } from './ledger-effect.js';

export interface AccountState extends Ledger {
  exists: boolean;
  account_number: string;
  owner_id: string;
  type: AccountType;
  currency: Currency;
  status: 'active' | 'frozen' | 'closed';
}

export const initialAccountState: AccountState = {
  exists: false,
  account_number: '',
  owner_id: '',
  type: 'Basic',
  currency: 'JOD',
  status: 'active',
  balance: 0n,
  holds: {},
};

/** What can be spent now: the balance less every hold. */
export const available = (state: AccountState): bigint => availableBalance(state);

export function evolveAccount(state: AccountState, event: AccountEvent): AccountState {
  const next = applyLedgerEffect(state, ledgerEffect(event));
  switch (event.type) {
    case 'AccountOpened':
      return { ...initialAccountState, exists: true, ...event.data, status: 'active', balance: 0n, holds: {} };
    case 'AccountFrozen':
      return { ...next, status: 'frozen' };
    case 'AccountUnfrozen':
      return { ...next, status: 'active' };
    case 'AccountClosed':
      return { ...next, status: 'closed' };
    default:
      return next;
  }
}
