import { expect } from 'chai';
import fc from 'fast-check';
import { expirationDate, expiryFor, isExpired } from '../../../src/domain/cards/expiry.js';
import { isLuhnValid, luhnCheckDigit } from '../../../src/domain/shared/luhn.js';
import { composePan, isNexusPan, maskedPan, NEXUS_BIN } from '../../../src/domain/cards/pan.js';

describe('card numbers (Luhn) and expiry', () => {
  it('computes the check digit of known numbers', () => {
    expect(luhnCheckDigit('7992739871')).to.equal('3');
    expect(isLuhnValid('79927398713')).to.equal(true);
    expect(isLuhnValid('4111111111111111')).to.equal(true);
    expect(isLuhnValid('4111111111111112')).to.equal(false);
    expect(isLuhnValid('41x1')).to.equal(false);
  });

  it('composes 16-digit Luhn-valid numbers under the Nexus BIN', () => {
    fc.assert(fc.property(fc.stringMatching(/^\d{9}$/), (digits) => {
      const pan = composePan(digits);
      expect(pan).to.have.length(16);
      expect(pan.startsWith(NEXUS_BIN)).to.equal(true);
      expect(isNexusPan(pan)).to.equal(true);
    }));
    expect(() => composePan('123')).to.throw(RangeError);
  });

  it('detects any single changed digit', () => {
    const pan = composePan('555000111');
    for (let i = 0; i < pan.length; i++) {
      const changed = pan.slice(0, i) + String((Number(pan[i]) + 3) % 10) + pan.slice(i + 1);
      expect(isLuhnValid(changed), changed).to.equal(false);
    }
  });

  it('masks all but the last four digits', () => {
    expect(maskedPan('1234')).to.equal('**** **** **** 1234');
  });

  it('expires at the end of the month five years on, 29 February included', () => {
    expect(expiryFor(new Date('2024-02-29T12:00:00Z'))).to.deep.equal({ year: 2029, month: 2 });
    expect(expirationDate({ year: 2029, month: 2 })).to.equal('2029-02-28');
    expect(expirationDate({ year: 2028, month: 2 })).to.equal('2028-02-29');
    expect(expirationDate({ year: 2030, month: 12 })).to.equal('2030-12-31');
    expect(isExpired({ year: 2030, month: 12 }, new Date('2030-12-31T23:59:59Z'))).to.equal(false);
    expect(isExpired({ year: 2030, month: 12 }, new Date('2031-01-01T00:00:00Z'))).to.equal(true);
  });
});
