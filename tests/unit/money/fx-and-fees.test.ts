import { expect } from 'chai';
import fc from 'fast-check';
import { externalFee } from '../../../src/domain/money/fees.js';
import { convert } from '../../../src/domain/money/fx.js';
import { divideHalfEven } from '../../../src/domain/money/rounding.js';
import { parseAmount } from '../../../src/domain/money/amount.js';

describe('half-even division', () => {
  it('rounds halves to the even neighbour and everything else to the nearest', () => {
    expect(divideHalfEven(5n, 10n)).to.equal(0n);
    expect(divideHalfEven(15n, 10n)).to.equal(2n);
    expect(divideHalfEven(25n, 10n)).to.equal(2n);
    expect(divideHalfEven(26n, 10n)).to.equal(3n);
    expect(divideHalfEven(14n, 10n)).to.equal(1n);
  });

  it('never differs from the exact quotient by more than half a unit', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.bigInt({ min: 1n, max: 10n ** 9n }), (n, d) => {
        const q = divideHalfEven(n, d);
        const diff = q * d - n;
        expect(diff * 2n <= d && diff * 2n >= -d).to.equal(true);
      }),
    );
  });
});

describe('external fee (1%, half-even, in the sender currency)', () => {
  const cases: [string, string][] = [
    ['0.49', '0'], ['0.50', '0'], ['0.51', '1'], ['1.50', '2'], ['2.50', '2'],
    ['40.00', '40'], ['700.00', '700'], ['10000.00', '10000'],
  ];
  for (const [amount, feeMinor] of cases) {
    it(`${amount} USD → ${feeMinor} cents`, () => {
      expect(externalFee(parseAmount(amount, 'USD'))).to.equal(BigInt(feeMinor));
    });
  }
  it('works in fils for JOD: 0.450 JOD → 0.004 (4.5 fils rounds to even 4)', () => {
    expect(externalFee(450n)).to.equal(4n);
  });
});

describe('FX at the reference rates (1 JOD = 1.41 USD = 1.31 EUR)', () => {
  const cases: [string, 'JOD' | 'USD' | 'EUR', 'JOD' | 'USD' | 'EUR', bigint][] = [
    ['100.000', 'JOD', 'USD', 14100n],
    ['100.00', 'USD', 'JOD', 70922n], // 70.9219… JOD, to the fils
    ['141.00', 'USD', 'JOD', 100000n],
    ['100.000', 'JOD', 'EUR', 13100n],
    ['131.00', 'EUR', 'JOD', 100000n],
    ['100.00', 'USD', 'EUR', 9291n], // one rounding of 92.9078…
    ['100.00', 'EUR', 'USD', 10763n], // one rounding of 107.6335…, not the reference's 107.64
    ['33.330', 'JOD', 'USD', 4700n], // 46.9953 → 47.00
    ['0.001', 'JOD', 'USD', 0n],
  ];
  for (const [amount, from, to, expected] of cases) {
    it(`${amount} ${from} → ${expected} minor ${to}`, () => {
      const c = convert(parseAmount(amount, from), from, to);
      expect(c.converted_amount).to.equal(expected);
      expect(c.rounding).to.equal('half_even');
    });
  }

  it('states the exact rate', () => {
    expect(convert(100n, 'JOD', 'USD').rate).to.equal('1.4100000000');
    expect(convert(100n, 'USD', 'EUR').rate).to.equal('0.9290780142');
  });

  it('same currency is the identity', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), (a) => {
        expect(convert(a, 'EUR', 'EUR').converted_amount).to.equal(a);
      }),
    );
  });

  it('converted amount is the exact product rounded once', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), (fils) => {
        // JOD (3 dp) → USD (2 dp): cents = fils * 1.41 / 10
        const c = convert(fils, 'JOD', 'USD');
        const exactTimes1000 = fils * 141n; // cents * 1000
        const diff = c.converted_amount * 1000n - exactTimes1000;
        expect(diff <= 500n && diff >= -500n).to.equal(true);
      }),
    );
  });
});
