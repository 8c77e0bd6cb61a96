import { expect } from 'chai';
import { billDecider } from '../../src/domain/bills/decider.js';
import { billStream, type BillPaidData } from '../../src/domain/bills/events.js';
import { billsProjection } from '../../src/projections/bills/bills-projection.js';
import { ownedBill, ownerBills } from '../../src/projections/bills/bill-queries.js';
import { projectionBench } from '../unit/cards/support/projection-bench.js';

const ids = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333', '44444444-4444-4444-8444-444444444444'];

function paid(i: number, owner: string, account: string, biller: 'electricity-co' | 'water-authority', overrides: Partial<BillPaidData> = {}): BillPaidData {
  return {
    bill_id: ids[i]!, owner_id: owner, biller_id: biller, biller_name: biller === 'electricity-co' ? 'Electricity Co' : 'Water Authority',
    category: biller === 'electricity-co' ? 'Electricity' : 'Water', account_number: account, reference: `ref${i}0000000`.slice(0, 8),
    amount: '25000', currency: 'JOD', credit_amount: '25000', biller_currency: 'JOD', biller_account: '900000000101', fx: null, ...overrides,
  };
}

describe('bills projection (PostgreSQL)', function () {
  this.timeout(60_000);
  let bench: Awaited<ReturnType<typeof projectionBench>>;
  const record = (p: BillPaidData) => bench.append(billStream(p.bill_id), billDecider.decide({ type: 'RecordBillPayment', payment: p }, billDecider.initialState, { now: new Date() }));

  before(async () => {
    bench = await projectionBench(billsProjection);
    await record(paid(0, 'u1', '100000000017', 'electricity-co'));
    await record(paid(1, 'u1', '100000000017', 'water-authority', {
      amount: '1572', currency: 'EUR', credit_amount: '12000',
      fx: { from: 'EUR', to: 'JOD', rate: '0.7633587786', rate_numerator: '100', rate_denominator: '131', rounding: 'half_even', source_amount: '1572' },
    }));
    await record(paid(2, 'u2', '200000000015', 'electricity-co'));
    await record(paid(3, 'u1', '300000000013', 'electricity-co'));
  });
  after(async () => {
    await bench?.close();
  });

  it("lists an owner's payments newest first, with biller name, reference, amounts and conversion", async () => {
    const rows = await ownerBills(bench.db, 'u1', {}, 10, undefined);
    expect(rows.map((r) => r.bill_id)).to.deep.equal([ids[3], ids[1], ids[0]]);
    expect(rows[1]).to.include({ biller_name: 'Water Authority', category: 'Water', amount: '1572', currency: 'EUR', credit_amount: '12000', biller_currency: 'JOD', reference: 'ref10000' });
    expect(rows[1]!.fx).to.include({ rate_numerator: '100', rate_denominator: '131' });
    expect(rows[0]!.fx).to.equal(null);
    expect(BigInt(rows[0]!.position) > BigInt(rows[1]!.position)).to.equal(true);
  });

  it('filters by biller and account and continues below a position (limit+1 rows)', async () => {
    expect((await ownerBills(bench.db, 'u1', { biller_id: 'electricity-co' }, 10, undefined)).map((r) => r.bill_id)).to.deep.equal([ids[3], ids[0]]);
    expect((await ownerBills(bench.db, 'u1', { account_number: '100000000017' }, 10, undefined)).map((r) => r.bill_id)).to.deep.equal([ids[1], ids[0]]);
    expect((await ownerBills(bench.db, 'u1', { biller_id: 'water-authority', account_number: '300000000013' }, 10, undefined))).to.deep.equal([]);
    const firstTwo = await ownerBills(bench.db, 'u1', {}, 1, undefined);
    expect(firstTwo.map((r) => r.bill_id)).to.deep.equal([ids[3], ids[1]]);
    const below = await ownerBills(bench.db, 'u1', {}, 10, BigInt(firstTwo[0]!.position));
    expect(below.map((r) => r.bill_id)).to.deep.equal([ids[1], ids[0]]);
  });

  it('finds a payment only for its owner', async () => {
    expect((await ownedBill(bench.db, ids[2]!, 'u2'))?.account_number).to.equal('200000000015');
    expect(await ownedBill(bench.db, ids[2]!, 'u1')).to.equal(undefined);
  });

  it('rebuilds from position 0 into the same rows', async () => {
    const before = await bench.db.query('select * from rm.bill_payments order by bill_id');
    expect(before).to.have.length(4);
    await bench.db.query(`update rm.bill_payments set reference = 'garbage'`);
    await bench.runtime.rebuild('bills');
    expect(await bench.db.query('select * from rm.bill_payments order by bill_id')).to.deep.equal(before);
  });
});
