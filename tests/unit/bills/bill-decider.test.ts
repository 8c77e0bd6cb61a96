import { expect } from 'chai';
import { billDecider } from '../../../src/domain/bills/decider.js';
import type { BillEvent, BillPaidData } from '../../../src/domain/bills/events.js';
import { DomainError } from '../../../src/domain/shared/domain-error.js';

const payment: BillPaidData = {
  bill_id: 'b1', owner_id: 'u1', biller_id: 'electricity-co', biller_name: 'Electricity Co', category: 'Electricity',
  account_number: '100000000017', reference: '12345678', amount: '3525', currency: 'USD', credit_amount: '25000',
  biller_currency: 'JOD', biller_account: '900000000101',
  fx: { from: 'USD', to: 'JOD', rate: '0.7092198582', rate_numerator: '100', rate_denominator: '141', rounding: 'half_even', source_amount: '3525' },
};

function given(...events: BillEvent[]) {
  const state = events.reduce(billDecider.evolve, billDecider.initialState);
  return (p: BillPaidData): BillEvent[] | string => {
    try {
      return billDecider.decide({ type: 'RecordBillPayment', payment: p }, state);
    } catch (e) {
      if (e instanceof DomainError) return e.code;
      throw e;
    }
  };
}

describe('bill decider', () => {
  it('records a payment once', () => {
    expect(given()(payment)).to.deep.equal([{ type: 'BillPaid', data: payment }]);
  });

  it('adds nothing when the same payment is recorded again, whatever the key order it was stored with', () => {
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(payment).reverse()))) as BillPaidData;
    expect(given({ type: 'BillPaid', data: reordered })(payment)).to.deep.equal([]);
  });

  it('refuses another payment under the same id', () => {
    expect(given({ type: 'BillPaid', data: payment })({ ...payment, reference: '87654321' })).to.equal('bill_exists');
  });
});
