import { expect } from 'chai';
import { addMonths, monthEnd, parseIsoDate, utcDay, weekStart } from '../../../src/domain/metrics/calendar.js';
import { resolveRange } from '../../../src/domain/metrics/date-range.js';
import { DomainError } from '../../../src/domain/shared/domain-error.js';

const refused = (fn: () => unknown, code: string) => {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(DomainError);
    expect((error as DomainError).code).to.equal(code);
    expect((error as DomainError).status).to.equal(400);
    return;
  }
  expect.fail(`expected ${code}`);
};

describe('metrics calendar (UTC days, ISO weeks, months)', () => {
  it('keys an instant by its UTC date, whatever its offset', () => {
    expect(utcDay('2026-01-05T23:30:00-02:00')).to.equal('2026-01-06');
    expect(utcDay('2026-01-06T01:30:00+02:00')).to.equal('2026-01-05');
    expect(utcDay('2026-01-05T00:00:00Z')).to.equal('2026-01-05');
  });
  it('gives each instant the day Date.parse gives it, from one instant to the next of the same date too', () => {
    const full = (instant: string) => new Date(Date.parse(instant)).toISOString().slice(0, 10);
    const instants = [
      '2026-01-05T00:00:00Z', '2026-01-05T23:59:59.999Z', '2026-01-05T24:00:00Z', '2026-01-05T12:00:00.000Z', '2026-01-05T23:30:00-02:00',
      '2026-02-30T10:00:00Z', '2026-02-30T23:00:00.500Z', '2026-02-30T24:00:00Z', '2026-01-05T10:00:00+14:00', '2026-01-05T10:00:00.123456Z',
      '2026-03-01T00:00:00Z', '2026-03-01T05:00:00Z', '0000-01-01T00:00:00Z', '0000-01-01T01:00:00Z',
    ];
    for (const instant of [...instants, ...instants]) expect(utcDay(instant), instant).to.equal(full(instant));
    for (const bad of ['2026-13-01T00:00:00Z', '2026-13-01T01:00:00Z', 'yesterday']) expect(() => utcDay(bad), bad).to.throw(RangeError);
  });
  it('accepts only real YYYY-MM-DD dates', () => {
    expect(parseIsoDate('2024-02-29')).to.equal('2024-02-29');
    for (const bad of ['2026-02-29', '2026-13-01', '2026-1-05', '2026-01-05T00:00:00Z', 'yesterday', '', '2026-04-31']) {
      expect(parseIsoDate(bad), bad).to.equal(undefined);
    }
  });
  it('starts weeks on Monday and knows month ends', () => {
    expect(weekStart('2026-01-05')).to.equal('2026-01-05');
    expect(weekStart('2026-01-11')).to.equal('2026-01-05');
    expect(weekStart('2026-01-01')).to.equal('2025-12-29');
    expect(monthEnd('2024-02-10')).to.equal('2024-02-29');
    expect(monthEnd('2026-12-31')).to.equal('2026-12-31');
    expect(addMonths('2026-01-31', -1)).to.equal('2025-12-01');
  });
});

describe('metrics date ranges', () => {
  const today = '2026-03-18'; // a Wednesday
  it('defaults to the last 30 days, 12 weeks or 12 months ending today', () => {
    expect(resolveRange({}, today, 'day')).to.deep.equal({ from: '2026-02-17', to: today });
    expect(resolveRange({}, today, 'week')).to.deep.equal({ from: '2025-12-29', to: '2026-03-22' });
    expect(resolveRange({}, today, 'month')).to.deep.equal({ from: '2025-04-01', to: '2026-03-31' });
  });
  it('takes a date, or from/to, filling a missing bound', () => {
    expect(resolveRange({ date: '2026-01-05' }, today, 'day')).to.deep.equal({ from: '2026-01-05', to: '2026-01-05' });
    expect(resolveRange({ from: '2026-01-01' }, today, 'day')).to.deep.equal({ from: '2026-01-01', to: '2026-01-30' });
    expect(resolveRange({ to: '2026-01-30' }, today, 'day')).to.deep.equal({ from: '2026-01-01', to: '2026-01-30' });
    expect(resolveRange({ from: '2026-01-07', to: '2026-01-07' }, today, 'week')).to.deep.equal({ from: '2026-01-05', to: '2026-01-11' });
    expect(resolveRange({ from: '2026-01-07', to: '2026-02-03' }, today, 'month')).to.deep.equal({ from: '2026-01-01', to: '2026-02-28' });
  });
  it('refuses bad dates, reversed or overlong ranges, and date mixed with from/to', () => {
    refused(() => resolveRange({ date: '2026-02-30' }, today, 'day'), 'invalid_date');
    refused(() => resolveRange({ from: 'x' }, today, 'week'), 'invalid_date');
    refused(() => resolveRange({ from: '2026-02-01', to: '2026-01-01' }, today, 'day'), 'invalid_range');
    refused(() => resolveRange({ date: '2026-01-01', to: '2026-01-02' }, today, 'day'), 'invalid_range');
    refused(() => resolveRange({ from: '2025-01-01', to: '2026-01-02' }, today, 'day'), 'range_too_long');
    expect(resolveRange({ from: '2025-01-01', to: '2026-01-01' }, today, 'day').from).to.equal('2025-01-01');
  });
});
