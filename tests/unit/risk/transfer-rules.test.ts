import { expect } from 'chai';
import { assess } from '../../../src/domain/risk/assess.js';
import type { SecurityHitFact, TransferFact } from '../../../src/domain/risk/facts.js';
import { emptyMemory, type RiskMemory } from '../../../src/domain/risk/memory.js';
import { DEFAULT_THRESHOLDS as T, MINUTE_MS } from '../../../src/domain/risk/thresholds.js';
import { transferHistory } from '../../../src/domain/risk/transfer-rules.js';

const T0 = Date.parse('2025-05-01T12:00:00Z');
let n = 0;
const transfer = (over: Partial<TransferFact>): TransferFact => ({
  kind: 'transfer',
  event_id: `e${++n}`,
  transfer_id: `t${n}`,
  account_number: '100000000017',
  user_id: 'u1',
  currency: 'JOD',
  amount: 10_000n, // 10.000 JOD
  counterparty_account: '200000000015',
  at: T0,
  ...over,
});
const rulesOf = (facts: TransferFact[], memory: RiskMemory = emptyMemory()) => facts.flatMap((f) => assess(f, memory, T));

describe('risk rules: transfers', () => {
  describe('large transfer (≥ 10000 in the currency)', () => {
    it('fires at exactly the threshold, with formatted evidence', () => {
      const [f] = rulesOf([transfer({ amount: 10_000_000n })]);
      expect(f).to.deep.include({ rule: 'large_transfer', severity: 'medium', account_number: '100000000017', user_id: 'u1' });
      expect(f!.evidence).to.deep.include({ amount: '10000.000', threshold: '10000.000', currency: 'JOD' });
    });

    it('does not fire one minor unit below, and uses the currency exponent (USD 2 decimals)', () => {
      expect(rulesOf([transfer({ amount: 9_999_999n })])).to.deep.equal([]);
      expect(rulesOf([transfer({ currency: 'USD', amount: 999_999n })])).to.deep.equal([]);
      expect(rulesOf([transfer({ currency: 'USD', amount: 1_000_000n })]).map((f) => f.rule)).to.deep.equal(['large_transfer']);
    });
  });

  describe('unusual size (≥ 5 × the account’s 30-day average, current excluded)', () => {
    const history = [1, 2, 3].map((d) => transfer({ amount: 10_000n, at: T0 - d * 1440 * MINUTE_MS }));

    it('fires at five times the average', () => {
      const found = rulesOf([...history, transfer({ amount: 50_000n })]);
      expect(found.map((f) => f.rule)).to.deep.equal(['unusual_transfer']);
      expect(found[0]!.evidence).to.deep.include({ average: '10.000', earlier_transfers: 3 });
    });

    it('does not fire below it, without enough history, for history older than 30 days, or of another account', () => {
      expect(rulesOf([...history, transfer({ amount: 49_999n })])).to.deep.equal([]);
      expect(rulesOf([...history.slice(0, 2), transfer({ amount: 90_000n })])).to.deep.equal([]);
      const old = [31, 32, 33].map((d) => transfer({ amount: 10_000n, at: T0 - d * 1440 * MINUTE_MS }));
      expect(rulesOf([...old, transfer({ amount: 90_000n })])).to.deep.equal([]);
      expect(rulesOf([...history, transfer({ amount: 90_000n, account_number: '300000000013' })])).to.deep.equal([]);
    });
  });

  describe('burst (5 transfers in 5 min)', () => {
    it('fires once at the fifth transfer', () => {
      const found = rulesOf(Array.from({ length: 7 }, (_, i) => transfer({ at: T0 + i * 30_000 })));
      expect(found.filter((f) => f.rule === 'transfer_burst')).to.have.length(1);
      expect(found.find((f) => f.rule === 'transfer_burst')!.evidence).to.deep.include({ count: 5 });
    });

    it('does not fire for 5 transfers over 10 minutes or across different users', () => {
      expect(rulesOf(Array.from({ length: 5 }, (_, i) => transfer({ at: T0 + i * 2.5 * MINUTE_MS })))).to.deep.equal([]);
      expect(rulesOf(Array.from({ length: 5 }, (_, i) => transfer({ user_id: `u${i}`, at: T0 + i })))).to.deep.equal([]);
    });
  });

  describe('velocity (10 transfers or 50000 in 15 min; critical at twice)', () => {
    it('fires high on the total amount, per currency', () => {
      const found = rulesOf([transfer({ amount: 30_000_000n, at: T0 }), transfer({ amount: 20_000_000n, at: T0 + MINUTE_MS })]);
      const v = found.filter((f) => f.rule === 'transfer_velocity');
      expect(v.map((f) => f.severity)).to.deep.equal(['high']);
      expect(v[0]!.evidence).to.deep.include({ count: 2 });
      expect(v[0]!.evidence.totals).to.deep.equal({ JOD: '50000.000' });
    });

    it('does not add JOD to USD, nor count transfers older than the window', () => {
      const mixed = rulesOf([transfer({ amount: 30_000_000n }), transfer({ currency: 'USD', amount: 2_000_000n, at: T0 + 1 })]);
      expect(mixed.map((f) => f.rule)).to.not.include('transfer_velocity');
      const spread = rulesOf([transfer({ amount: 30_000_000n }), transfer({ amount: 20_000_000n, at: T0 + 16 * MINUTE_MS })]);
      expect(spread.map((f) => f.rule)).to.not.include('transfer_velocity');
    });

    it('escalates to critical at twice the amount, once each', () => {
      const found = rulesOf([0, 1, 2].map((i) => transfer({ amount: 40_000_000n, at: T0 + i * MINUTE_MS })));
      expect(found.filter((f) => f.rule === 'transfer_velocity').map((f) => f.severity)).to.deep.equal(['high', 'critical']);
    });

    it('fires on the tenth transfer by count', () => {
      const found = rulesOf(Array.from({ length: 10 }, (_, i) => transfer({ at: T0 + i * 60_000 })));
      expect(found.filter((f) => f.rule === 'transfer_velocity').map((f) => f.evidence.count)).to.deep.equal([10]);
      expect(rulesOf(Array.from({ length: 9 }, (_, i) => transfer({ at: T0 + i * 90_000 }))).map((f) => f.rule)).to.not.include('transfer_velocity');
    });
  });
});

describe('risk rules: security hits', () => {
  const hit = (over: Partial<SecurityHitFact>): SecurityHitFact => ({
    kind: 'security_hit', event_id: 'h1', hit: 'rate_limited', scope: 'login', key: '203.0.113.5', ip: '203.0.113.5', count: 12,
    window_start: '2025-05-01T12:00:00Z', window_end: '2025-05-01T12:01:00Z', at: T0, ...over,
  });

  it('maps each hit kind to its rule and severity', () => {
    expect(assess(hit({}), emptyMemory(), T).map((f) => [f.rule, f.severity])).to.deep.equal([['throttled', 'medium']]);
    expect(assess(hit({ hit: 'blacklisted_ip' }), emptyMemory(), T).map((f) => [f.rule, f.severity])).to.deep.equal([['blacklisted_ip', 'high']]);
    expect(assess(hit({ hit: 'bad_api_key', key: 'sk_live_secret' }), emptyMemory(), T).map((f) => [f.rule, f.severity])).to.deep.equal([['bad_api_key', 'high']]);
  });

  it('never stores a presented API key in the clear; a zero count or unknown kind raises nothing', () => {
    const [f] = assess(hit({ hit: 'bad_api_key', key: 'sk_live_secret' }), emptyMemory(), T);
    expect(JSON.stringify(f!.evidence)).to.not.include('sk_live_secret');
    expect(assess(hit({ count: 0 }), emptyMemory(), T)).to.deep.equal([]);
    expect(assess(hit({ hit: 'other' as never }), emptyMemory(), T)).to.deep.equal([]);
  });

  describe('history of earlier transfers (one pass for every rule)', () => {
    it('counts each window, totals per currency and per account, and ignores later transfers', () => {
      const memory = emptyMemory();
      const x = (minutesAgo: number, account: string, currency: string, amount: string) => ({ at: T0 - minutesAgo * MINUTE_MS, account, currency, amount });
      memory.transfersByUser.u1 = [
        x(40 * 1440, '100000000017', 'JOD', '1'), // outside every window
        x(2 * 1440, '100000000017', 'JOD', '20'), // unusual window only
        x(10, '100000000025', 'USD', '300'), // velocity (15 min) but not burst (5 min), another account
        x(3, '100000000017', 'JOD', '4000'), // burst and velocity, same account
        x(-1, '100000000017', 'JOD', '50000'), // later than the transfer: never counted
      ];
      const h = transferHistory(transfer({}), memory, T);
      expect([T.burstWindowMinutes, T.velocityWindowMinutes, T.unusualWindowDays]).to.deep.equal([5, 15, 30]);
      expect(h.burst).to.equal(1);
      expect(h.velocity).to.equal(2);
      expect([...h.velocityTotals]).to.deep.equal([['USD', 300n], ['JOD', 4000n]]);
      expect(h.sameAccount).to.equal(2);
      expect(h.sameAccountTotal).to.equal(4020n);
    });

    it('sums to the minor unit past the largest safe integer and for amounts longer than one', () => {
      const memory = emptyMemory();
      const x = (amount: string, currency = 'JOD') => ({ at: T0 - MINUTE_MS, account: '100000000017', currency, amount });
      const safe = String(Number.MAX_SAFE_INTEGER); // 9007199254740991
      memory.transfersByUser.u1 = [x('5'), x(safe), x(safe), x('123456789012345678901234567890', 'USD'), x('7', 'USD')];
      const h = transferHistory(transfer({}), memory, T);
      expect(h.velocityTotals.get('JOD')).to.equal(5n + 2n * BigInt(Number.MAX_SAFE_INTEGER));
      expect(h.velocityTotals.get('USD')).to.equal(123456789012345678901234567897n);
      expect(h.sameAccountTotal).to.equal(5n + 2n * BigInt(Number.MAX_SAFE_INTEGER) + 123456789012345678901234567897n);
    });
  });
});
