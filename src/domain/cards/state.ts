import type { Currency } from '../money/currency.js';
import type { CardExpiry } from './expiry.js';
import type { CardEvent, CardType } from './events.js';

export interface CardState {
  exists: boolean;
  card_id: string;
  account_number: string;
  owner_id: string;
  card_type: CardType;
  brand: string;
  last4: string;
  status: 'active' | 'blocked' | 'cancelled';
  expiry: CardExpiry;
  currency: Currency;
  daily_limit: bigint;
  monthly_limit: bigint;
  issued_at: string;
}

export const initialCardState: CardState = {
  exists: false,
  card_id: '',
  account_number: '',
  owner_id: '',
  card_type: 'DEBIT',
  brand: '',
  last4: '',
  status: 'active',
  expiry: { year: 0, month: 1 },
  currency: 'JOD',
  daily_limit: 0n,
  monthly_limit: 0n,
  issued_at: '',
};

export function evolveCard(state: CardState, event: CardEvent): CardState {
  switch (event.type) {
    case 'CardIssued': {
      const d = event.data;
      return {
        exists: true,
        card_id: d.card_id,
        account_number: d.account_number,
        owner_id: d.owner_id,
        card_type: d.card_type,
        brand: d.brand,
        last4: d.last4,
        status: 'active',
        expiry: { year: d.expiry_year, month: d.expiry_month },
        currency: d.currency,
        daily_limit: BigInt(d.daily_limit),
        monthly_limit: BigInt(d.monthly_limit),
        issued_at: d.issued_at,
      };
    }
    case 'CardBlocked':
      return { ...state, status: 'blocked' };
    case 'CardUnblocked':
      return { ...state, status: 'active' };
    case 'CardCancelled':
      return { ...state, status: 'cancelled' };
    case 'CardLimitsChanged':
      return { ...state, daily_limit: BigInt(event.data.daily_limit), monthly_limit: BigInt(event.data.monthly_limit) };
  }
}
