import { expect } from 'chai';
import { BILLERS, billerOrThrow, billersByName, findBiller, validReference } from '../../../src/domain/bills/billers.js';
import { DomainError } from '../../../src/domain/shared/domain-error.js';

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return `${e.status} ${e.code}`;
    throw e;
  }
  return 'no error';
};

describe('biller registry', () => {
  it("holds the reference bank's four billers with their fixed JOD amounts and categories", () => {
    const seen = BILLERS.map((b) => [b.name, b.category, b.currency, b.amount_rule]);
    expect(seen).to.deep.equal([
      ['Electricity Co', 'Electricity', 'JOD', { kind: 'fixed', amount: 25_000n }],
      ['Water Authority', 'Water', 'JOD', { kind: 'fixed', amount: 12_000n }],
      ['Fast Internet', 'Internet', 'JOD', { kind: 'fixed', amount: 30_000n }],
      ['Mobile Provider', 'Telecom', 'JOD', { kind: 'fixed', amount: 15_000n }],
    ]);
  });

  it('gives every biller its own bank account number: 12 digits, 9000000001xx, apart from cash and fees', () => {
    const numbers = BILLERS.map((b) => b.account_number);
    expect(new Set(numbers).size).to.equal(BILLERS.length);
    expect(new Set(BILLERS.map((b) => b.id)).size).to.equal(BILLERS.length);
    for (const n of numbers) {
      expect(n).to.match(/^9000000001[0-9]{2}$/);
      expect(n).to.not.match(/^90000000000|^90000000001/);
    }
  });

  it('lists by name and finds by id; an unknown id is a 400', () => {
    expect(billersByName().map((b) => b.name)).to.deep.equal(['Electricity Co', 'Fast Internet', 'Mobile Provider', 'Water Authority']);
    expect(findBiller('water-authority')?.name).to.equal('Water Authority');
    expect(findBiller('Water Authority')).to.equal(undefined);
    expect(codeOf(() => billerOrThrow('gas-co'))).to.equal('400 unknown_biller');
  });

  it("checks the customer's reference against the biller's format", () => {
    const electricity = billerOrThrow('electricity-co');
    const mobile = billerOrThrow('mobile-provider');
    const internet = billerOrThrow('fast-internet');
    expect(validReference(electricity, '12345678')).to.equal('12345678');
    expect(validReference(mobile, '0791234567')).to.equal('0791234567');
    expect(validReference(internet, 'CUST0042')).to.equal('CUST0042');
    for (const [biller, bad] of [
      [electricity, '1234567'],
      [electricity, '1234567890123'],
      [electricity, ' 12345678'],
      [electricity, '12345678\n'],
      [mobile, '0761234567'],
      [mobile, '+962791234567'],
      [internet, 'cust0042'],
      [internet, ''],
    ] as const) {
      expect(codeOf(() => validReference(biller, bad)), JSON.stringify(bad)).to.equal('400 invalid_reference');
    }
  });
});
