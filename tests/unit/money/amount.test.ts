import { expect } from 'chai';
import fc from 'fast-check';
import { formatAmount, parseAmount } from '../../../src/domain/money/amount.js';
import { DomainError } from '../../../src/domain/shared/domain-error.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof DomainError ? e.code : 'other';
  }
  return undefined;
}

describe('amounts', () => {
  it('parses decimal strings into minor units of the currency', () => {
    expect(parseAmount('125.50', 'USD')).to.equal(12550n);
    expect(parseAmount('125.5', 'USD')).to.equal(12550n);
    expect(parseAmount('125', 'EUR')).to.equal(12500n);
    expect(parseAmount('1.250', 'JOD')).to.equal(1250n);
    expect(parseAmount('0.001', 'JOD')).to.equal(1n);
    expect(parseAmount('0', 'USD')).to.equal(0n);
  });

  it('refuses more decimals than the currency has instead of rounding', () => {
    expect(code(() => parseAmount('0.001', 'USD'))).to.equal('amount_too_precise');
    expect(code(() => parseAmount('1.0001', 'JOD'))).to.equal('amount_too_precise');
  });

  it('refuses signs, exponents, spaces, numbers and empty strings', () => {
    for (const bad of ['-1', '+1', '1e3', ' 1', '1 ', '', '.5', '1.', '01', '0x10', '１']) {
      expect(code(() => parseAmount(bad, 'USD')), bad).to.equal('invalid_amount');
    }
    expect(code(() => parseAmount(12 as unknown, 'USD'))).to.equal('invalid_amount');
    expect(code(() => parseAmount('1'.repeat(16), 'USD'))).to.equal('invalid_amount');
  });

  it('formats with exactly the currency exponent', () => {
    expect(formatAmount(12550n, 'USD')).to.equal('125.50');
    expect(formatAmount(5n, 'EUR')).to.equal('0.05');
    expect(formatAmount(1250n, 'JOD')).to.equal('1.250');
    expect(formatAmount(-1n, 'JOD')).to.equal('-0.001');
  });

  it('round-trips every amount exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 16n }), fc.constantFrom('JOD', 'USD', 'EUR' as const), (minor, ccy) => {
        expect(parseAmount(formatAmount(minor, ccy), ccy)).to.equal(minor);
      }),
    );
  });
});
