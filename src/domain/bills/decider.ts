import { dispatch } from '../shared/decider.js';
import type { Decider } from '../shared/event.js';
import type { BillCommand } from './commands.js';
import { recordBillPayment } from './decide/record-bill-payment.js';
import type { BillEvent } from './events.js';
import { evolveBill, initialBillState, type BillState } from './state.js';

/** The bill aggregate: one decide function per command, in decide/<command>.ts. */
export const decideBill = dispatch<BillCommand, BillState, BillEvent>({
  RecordBillPayment: recordBillPayment,
});

export const billDecider: Decider<BillCommand, BillState, BillEvent> = {
  initialState: initialBillState,
  evolve: evolveBill,
  decide: decideBill,
};
