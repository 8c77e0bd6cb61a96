import type { BillEvent, BillPaidData } from './events.js';

export interface BillState {
  exists: boolean;
  payment: BillPaidData | null;
}

export const initialBillState: BillState = { exists: false, payment: null };

export function evolveBill(state: BillState, event: BillEvent): BillState {
  switch (event.type) {
    case 'BillPaid':
      return { exists: true, payment: event.data };
  }
}
