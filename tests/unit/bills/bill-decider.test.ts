import type { BillCommand } from '../../../src/domain/bills/commands.js';
import { billDecider } from '../../../src/domain/bills/decider.js';
import type { BillPaidData } from '../../../src/domain/bills/events.js';
import { deciderSpec } from '../../helpers/decider-spec.js';

const payment: BillPaidData = {
  bill_id: 'b1', owner_id: 'u1', biller_id: 'electricity-co', biller_name: 'Electricity Co', category: 'Electricity',
  account_number: '100000000017', reference: '12345678', amount: '3525', currency: 'USD', credit_amount: '25000',
  biller_currency: 'JOD', biller_account: '900000000101',
  fx: { from: 'USD', to: 'JOD', rate: '0.7092198582', rate_numerator: '100', rate_denominator: '141', rounding: 'half_even', source_amount: '3525' },
};

const { given } = deciderSpec(billDecider);
const record = (p: BillPaidData): BillCommand => ({ type: 'RecordBillPayment', payment: p });

describe('bill decider', () => {
  it('records a payment once', () => {
    given().when(record(payment)).then([{ type: 'BillPaid', data: payment }]);
  });

  it('adds nothing when the same payment is recorded again, whatever the key order it was stored with', () => {
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(payment).reverse()))) as BillPaidData;
    given({ type: 'BillPaid', data: reordered }).when(record(payment)).then([]);
  });

  it('refuses another payment under the same id', () => {
    given({ type: 'BillPaid', data: payment }).when(record({ ...payment, reference: '87654321' })).thenThrows('bill_exists', 409);
  });
});
