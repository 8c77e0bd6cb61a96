import type { Currency } from '../money/currency.js';
import type { AccountEvent, AccountType } from './events.js';

export interface AccountState {
  exists: boolean;
  account_number: string;
  owner_id: string;
  type: AccountType;
  currency: Currency;
  status: 'active' | 'frozen';
  /** Ledger balance in minor units. */
  balance: bigint;
  /** Held for pending transfers, by transfer id (minor units). */
  reservations: Record<string, bigint>;
}

export const initialAccountState: AccountState = {
  exists: false,
  account_number: '',
  owner_id: '',
  type: 'Basic',
  currency: 'JOD',
  status: 'active',
  balance: 0n,
  reservations: {},
};

export function reservedTotal(state: AccountState): bigint {
  return Object.values(state.reservations).reduce((sum, v) => sum + v, 0n);
}

/** What can be spent now: the balance less every hold. */
export function available(state: AccountState): bigint {
  return state.balance - reservedTotal(state);
}

function without(reservations: Record<string, bigint>, id: string): Record<string, bigint> {
  const { [id]: _removed, ...rest } = reservations;
  return rest;
}

export function evolveAccount(state: AccountState, event: AccountEvent): AccountState {
  switch (event.type) {
    case 'AccountOpened':
      return { ...initialAccountState, exists: true, ...event.data, status: 'active', balance: 0n, reservations: {} };
    case 'FundsDeposited':
    case 'FxPositionPosted':
    case 'AccountCredited':
    case 'DebitReversed':
      return { ...state, balance: BigInt(event.data.balance_after) };
    case 'AccountDebited':
      return {
        ...state,
        balance: BigInt(event.data.balance_after),
        reservations: event.data.from_reservation ? without(state.reservations, event.data.transfer_id) : state.reservations,
      };
    case 'FundsReserved':
      return { ...state, reservations: { ...state.reservations, [event.data.transfer_id]: BigInt(event.data.amount) } };
    case 'ReservationReleased':
      return { ...state, reservations: without(state.reservations, event.data.transfer_id) };
    case 'AccountFrozen':
      return { ...state, status: 'frozen' };
    case 'AccountUnfrozen':
      return { ...state, status: 'active' };
    case 'CreditRefused':
      return state;
  }
}
