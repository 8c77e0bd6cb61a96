import type { BillPaidData } from './events.js';

export type BillCommand = { type: 'RecordBillPayment'; payment: BillPaidData };
