import { expect } from 'chai';
import { assess } from '../../../src/domain/risk/assess.js';
import type { AuthAttemptFact, Finding } from '../../../src/domain/risk/facts.js';
import { emptyMemory, pruneMemory, type RiskMemory } from '../../../src/domain/risk/memory.js';
import { DEFAULT_THRESHOLDS as T, MINUTE_MS } from '../../../src/domain/risk/thresholds.js';

const T0 = Date.parse('2025-05-01T12:00:00Z');
let n = 0;
const attempt = (over: Partial<AuthAttemptFact>): AuthAttemptFact => ({
  kind: 'auth_attempt',
  event_id: `e${++n}`,
  attempt: 'login',
  outcome: 'failure',
  user_id: null,
  email: 'victim@example.com',
  ip: '198.51.100.7',
  country: null,
  user_agent: 'ua',
  at: T0,
  ...over,
});

/** Feeds the facts in order; returns every finding's rule (and the findings). */
function feed(facts: AuthAttemptFact[], memory: RiskMemory = emptyMemory()): { rules: string[]; findings: Finding[] } {
  const findings = facts.flatMap((f) => assess(f, memory, T));
  return { rules: findings.map((f) => f.rule), findings };
}

const times = (k: number, make: (i: number) => Partial<AuthAttemptFact>) => Array.from({ length: k }, (_, i) => attempt(make(i)));

describe('risk rules: logins', () => {
  describe('brute force (5 failures per email in 10 min)', () => {
    it('fires on the fifth failure for one email, from any IP, with evidence', () => {
      const { findings } = feed(times(5, (i) => ({ ip: `203.0.113.${i}`, at: T0 + i * MINUTE_MS })));
      const bf = findings.filter((f) => f.rule === 'brute_force');
      expect(bf).to.have.length(1);
      expect(bf[0]).to.deep.include({ severity: 'high', ip: '203.0.113.4' });
      expect(bf[0]!.evidence).to.deep.include({ email: 'victim@example.com', failed_attempts: 5 });
    });

    it('does not fire for 4 failures, for failures spread over more than the window, or for successes', () => {
      expect(feed(times(4, (i) => ({ at: T0 + i * 1000 }))).rules).to.not.include('brute_force');
      expect(feed(times(5, (i) => ({ at: T0 + i * 3 * MINUTE_MS }))).rules).to.not.include('brute_force');
      expect(feed(times(6, (i) => ({ outcome: 'success', user_id: 'u1', at: T0 + i }))).rules).to.not.include('brute_force');
    });

    it('fires once per email per window, not on every further failure', () => {
      expect(feed(times(9, (i) => ({ at: T0 + i * 1000 }))).rules.filter((r) => r === 'brute_force')).to.have.length(1);
    });

    it('counts emails case-insensitively', () => {
      expect(feed(times(5, (i) => ({ email: i % 2 ? 'VICTIM@example.com' : 'victim@example.com', at: T0 + i }))).rules).to.include('brute_force');
    });
  });

  describe('credential stuffing (5 failures over 3 emails from one IP in 10 min)', () => {
    it('fires with the distinct targets', () => {
      const { findings } = feed(times(5, (i) => ({ email: `t${i % 3}@example.com`, at: T0 + i * 1000 })));
      const cs = findings.find((f) => f.rule === 'credential_stuffing');
      expect(cs).to.not.equal(undefined);
      expect(cs!.user_id).to.equal(null);
      expect(cs!.evidence).to.deep.include({ attempt_count: 5, distinct_targets: 3 });
    });

    it('does not fire with only 2 distinct emails, or from different IPs', () => {
      expect(feed(times(6, (i) => ({ email: `t${i % 2}@example.com`, at: T0 + i }))).rules).to.not.include('credential_stuffing');
      expect(feed(times(6, (i) => ({ email: `t${i}@example.com`, ip: `192.0.2.${i}`, at: T0 + i }))).rules).to.not.include('credential_stuffing');
    });
  });

  describe('new country and impossible travel', () => {
    const login = (country: string | null, at: number, user_id = 'u1') => attempt({ outcome: 'success', user_id, country, at });

    it('a login from another country two hours later is a new-country login (medium)', () => {
      const { findings } = feed([login('JO', T0), login('DE', T0 + 120 * MINUTE_MS)]);
      expect(findings.map((f) => [f.rule, f.severity])).to.deep.equal([['new_country_login', 'medium']]);
      expect(findings[0]!.evidence).to.deep.include({ previous_country: 'JO', new_country: 'DE' });
    });

    it('within the hour it is impossible travel (high), instead of a plain new-country finding', () => {
      const { findings } = feed([login('JO', T0), login('DE', T0 + 30 * MINUTE_MS)]);
      expect(findings.map((f) => [f.rule, f.severity])).to.deep.equal([['impossible_travel', 'high']]);
      expect(findings[0]!.evidence).to.deep.include({ minutes_since_last_login: 30 });
    });

    it('does not fire for the same country, a first login, an unknown country, or another user', () => {
      expect(feed([login('JO', T0), login('JO', T0 + MINUTE_MS)]).rules).to.deep.equal([]);
      expect(feed([login('DE', T0)]).rules).to.deep.equal([]);
      expect(feed([login('JO', T0), login(null, T0 + MINUTE_MS), login('', T0 + 2 * MINUTE_MS)]).rules).to.deep.equal([]);
      expect(feed([login('JO', T0, 'u1'), login('DE', T0 + MINUTE_MS, 'u2')]).rules).to.deep.equal([]);
    });

    it('compares with the last login that had a country', () => {
      expect(feed([login('JO', T0), login(null, T0 + MINUTE_MS), login('DE', T0 + 2 * MINUTE_MS)]).rules).to.deep.equal(['impossible_travel']);
    });
  });

  describe('shared IP (5 users signing in from one IP in an hour)', () => {
    it('fires once at the fifth distinct user', () => {
      const { findings } = feed(times(7, (i) => ({ outcome: 'success', user_id: `u${i}`, at: T0 + i * MINUTE_MS })));
      const hits = findings.filter((f) => f.rule === 'shared_ip');
      expect(hits).to.have.length(1);
      expect(hits[0]!.evidence).to.deep.include({ distinct_users: 5 });
    });

    it('does not fire for one user signing in many times', () => {
      expect(feed(times(7, (i) => ({ outcome: 'success', user_id: 'u1', at: T0 + i }))).rules).to.not.include('shared_ip');
    });
  });

  describe('lockouts and refresh failures', () => {
    it('a locked attempt raises locked_out once per email and IP per window', () => {
      expect(feed(times(3, (i) => ({ outcome: 'locked', at: T0 + i }))).rules).to.deep.equal(['locked_out']);
      expect(feed([attempt({ outcome: 'locked' }), attempt({ outcome: 'locked', at: T0 + 11 * MINUTE_MS })]).rules).to.deep.equal(['locked_out', 'locked_out']);
    });

    it('a failed refresh raises refresh_failed; a successful one or a logout nothing', () => {
      expect(feed([attempt({ attempt: 'refresh', outcome: 'failure', user_id: 'u1' })]).rules).to.deep.equal(['refresh_failed']);
      expect(feed([attempt({ attempt: 'refresh', outcome: 'success', user_id: 'u1' }), attempt({ attempt: 'logout', outcome: 'success', user_id: 'u1' })]).rules).to.deep.equal([]);
    });
  });

  it('memory survives a JSON round trip and pruning keeps what windows still need', () => {
    const memory = emptyMemory();
    feed(times(4, (i) => ({ at: T0 + i })), memory);
    const copy = JSON.parse(JSON.stringify(memory)) as RiskMemory;
    pruneMemory(copy, T0 + MINUTE_MS, T);
    expect(feed([attempt({ at: T0 + MINUTE_MS })], copy).rules).to.include('brute_force');
    pruneMemory(copy, T0 + 60 * MINUTE_MS, T);
    expect(copy.failuresByEmail).to.deep.equal({});
  });
});
