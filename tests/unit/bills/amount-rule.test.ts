import { expect } from 'chai';
import fc from 'fast-check';
import { quoteBill, smallestCovering, type AmountRule } from '../../../src/domain/bills/amount-rule.js';
import { fxApplied } from '../../../src/domain/money/fx-applied.js';
import { convert } from '../../../src/domain/money/fx.js';
import type { Currency } from '../../../src/domain/money/currency.js';
import { DomainError } from '../../../src/domain/shared/domain-error.js';

const fixed = (amount: bigint): { currency: Currency; amount_rule: AmountRule } => ({ currency: 'JOD', amount_rule: { kind: 'fixed', amount } });
const range = (min: bigint, max: bigint): { currency: Currency; amount_rule: AmountRule } => ({ currency: 'JOD', amount_rule: { kind: 'range', min, max } });

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return `${e.status} ${e.code}`;
    throw e;
  }
  return 'no error';
};

describe('bill amount rules', () => {
  it('charges a JOD payer exactly the fixed bill, with no conversion', () => {
    expect(quoteBill(fixed(25_000n), 'JOD', undefined)).to.deep.equal({ debit_amount: 25_000n, credit_amount: 25_000n, conversion: null });
    expect(quoteBill(fixed(25_000n), 'JOD', 25_000n).debit_amount).to.equal(25_000n);
  });

  it('charges a USD or EUR payer the converted bill, stating the rate, and credits the biller the bill in JOD', () => {
    const usd = quoteBill(fixed(25_000n), 'USD', undefined);
    expect(usd.debit_amount).to.equal(3_525n); // 25 JOD = 35.25 USD at 1.41
    expect(usd.credit_amount).to.equal(25_000n);
    expect(usd.conversion).to.include({ from: 'USD', to: 'JOD', rate_numerator: 100n, rate_denominator: 141n, source_amount: 3_525n });
    const eur = quoteBill(fixed(12_000n), 'EUR', undefined);
    expect(eur.debit_amount).to.equal(1_572n); // 12 JOD = 15.72 EUR at 1.31
    expect(eur.credit_amount).to.equal(12_000n);
    expect(fxApplied(eur.conversion)).to.include({ from: 'EUR', to: 'JOD', rate_numerator: '100', rate_denominator: '131', source_amount: '1572' });
    expect(fxApplied(null)).to.equal(null);
  });

  it('for a bill that does not convert exactly, takes the smallest payer amount that covers it', () => {
    // 10.001 JOD: 14.10 USD converts to 10.000 JOD (short), 14.11 USD to 10.007 JOD.
    const q = quoteBill(fixed(10_001n), 'USD', undefined);
    expect(q.debit_amount).to.equal(1_411n);
    expect(q.credit_amount).to.equal(convert(1_411n, 'USD', 'JOD').converted_amount);
    expect(q.credit_amount >= 10_001n).to.equal(true);
    expect(convert(1_410n, 'USD', 'JOD').converted_amount < 10_001n).to.equal(true);
  });

  it('smallestCovering is the least amount whose conversion reaches the target', () => {
    const currencies: Currency[] = ['JOD', 'USD', 'EUR'];
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 9n }), fc.constantFrom(...currencies), fc.constantFrom(...currencies), (target, from, to) => {
        const paid = smallestCovering(target, from, to);
        expect(convert(paid, from, to).converted_amount >= target).to.equal(true);
        if (paid > 1n) expect(convert(paid - 1n, from, to).converted_amount < target).to.equal(true);
      }),
    );
  });

  it('refuses a stated amount that differs from a fixed bill (422), and zero (400)', () => {
    expect(codeOf(() => quoteBill(fixed(25_000n), 'JOD', 24_999n))).to.equal('422 amount_mismatch');
    expect(codeOf(() => quoteBill(fixed(25_000n), 'USD', 2_500n))).to.equal('422 amount_mismatch');
    expect(codeOf(() => quoteBill(fixed(25_000n), 'USD', 3_525n))).to.equal('no error');
    expect(codeOf(() => quoteBill(fixed(25_000n), 'JOD', 0n))).to.equal('400 invalid_amount');
  });

  it('takes a stated amount within a range bill, converted, and refuses one outside it', () => {
    const rule = range(1_000n, 100_000n);
    expect(codeOf(() => quoteBill(rule, 'JOD', undefined))).to.equal('400 amount_required');
    expect(quoteBill(rule, 'JOD', 5_500n)).to.deep.equal({ debit_amount: 5_500n, credit_amount: 5_500n, conversion: null });
    const usd = quoteBill(rule, 'USD', 1_000n); // 10.00 USD → 7.092 JOD
    expect(usd.credit_amount).to.equal(7_092n);
    expect(codeOf(() => quoteBill(rule, 'JOD', 999n))).to.equal('422 amount_out_of_range');
    expect(codeOf(() => quoteBill(rule, 'JOD', 100_001n))).to.equal('422 amount_out_of_range');
    expect(codeOf(() => quoteBill(rule, 'USD', 141n))).to.equal('no error'); // 1.41 USD = 1.000 JOD: the minimum
    expect(codeOf(() => quoteBill(rule, 'USD', 140n))).to.equal('422 amount_out_of_range'); // 1.40 USD = 0.993 JOD
  });

  it('caps the debit at the per-transfer limit of the payer currency', () => {
    const rule = range(1n, 10n ** 12n);
    expect(codeOf(() => quoteBill(rule, 'JOD', 10_000_000n))).to.equal('no error');
    expect(codeOf(() => quoteBill(rule, 'JOD', 10_000_001n))).to.equal('422 limit_exceeded');
    expect(codeOf(() => quoteBill(fixed(8_000_000n), 'USD', undefined))).to.equal('422 limit_exceeded'); // 8000 JOD = 11280 USD
  });
});
