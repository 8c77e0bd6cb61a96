import { expect } from 'chai';
import { initialLockoutState, liveFailures, lockedUntil, lockoutDecider, type LockoutEvent, type LockoutState } from '../../../src/domain/security/lockout.js';

const policy = { failure_limit: 3, cool_off_ms: 60_000 };
const t0 = new Date('2025-05-01T10:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const fold = (events: LockoutEvent[], state: LockoutState = initialLockoutState) => events.reduce(lockoutDecider.evolve, state);
const fail = (state: LockoutState, when: Date, forget_before: string | null = null) =>
  lockoutDecider.decide({ type: 'CountFailure', attempt_id: 'a', policy, forget_before }, state, { now: when });

/** Applies `n` failures one second apart from `start`. */
function failures(n: number, start = 0, state = initialLockoutState): LockoutState {
  let s = state;
  for (let i = 0; i < n; i++) s = fold(fail(s, at(start + i * 1000)), s);
  return s;
}

describe('lockout decider', () => {
  it('counts failures and locks at the limit, for the cool-off', () => {
    const two = failures(2);
    expect(two.failures).to.equal(2);
    expect(lockedUntil(two, at(2000))).to.equal(null);
    const events = fail(two, at(2000));
    expect(events.map((e) => e.type)).to.deep.equal(['LoginFailureCounted', 'LockedOut']);
    const locked = fold(events, two);
    expect(lockedUntil(locked, at(2001))?.toISOString()).to.equal(at(62_000).toISOString());
    expect(lockedUntil(locked, at(62_000))).to.equal(null); // served
  });

  it('does not lock below the limit, and adds nothing while locked', () => {
    expect(fail(failures(1), at(5000)).map((e) => e.type)).to.deep.equal(['LoginFailureCounted']);
    expect(fail(failures(3), at(5000))).to.deep.equal([]);
  });

  it('forgets failures older than the cool-off, and restarts the count once a lock is served', () => {
    const two = failures(2);
    expect(liveFailures(two, at(1000 + 60_001), policy.cool_off_ms)).to.equal(0);
    expect(fail(two, at(1000 + 60_001)).map((e) => e.type)).to.deep.equal(['LoginFailureCounted']);
    const served = failures(3);
    const next = fail(served, at(70_000));
    expect(next).to.have.length(1);
    expect((next[0]!.data as { failures: number }).failures).to.equal(1);
  });

  it('a success clears failures; a staff unlock is always recorded and lifts the lock', () => {
    expect(lockoutDecider.decide({ type: 'CountSuccess' }, initialLockoutState, { now: at(0) })).to.deep.equal([]);
    const cleared = fold(lockoutDecider.decide({ type: 'CountSuccess' }, failures(2), { now: at(3000) }), failures(2));
    expect(cleared.failures).to.equal(0);
    const unlockEvents = lockoutDecider.decide({ type: 'ClearLockout', cleared_by: 'staff-1' }, failures(3), { now: at(4000) });
    expect(unlockEvents).to.deep.equal([{ type: 'LockoutCleared', data: { reason: 'unlock', cleared_by: 'staff-1', at: at(4000).toISOString() } }]);
    const unlocked = fold(unlockEvents, failures(3));
    expect(lockedUntil(unlocked, at(4001))).to.equal(null);
    expect(unlocked.cleared_at).to.equal(at(4000).toISOString());
    expect(lockoutDecider.decide({ type: 'ClearLockout', cleared_by: null }, initialLockoutState, { now: at(0) })).to.have.length(1);
  });

  it('a lock or failures older than forget_before (the IP was unlocked since) no longer count', () => {
    const locked = failures(3);
    const unlockedAt = at(10_000).toISOString();
    expect(lockedUntil(locked, at(11_000))).to.not.equal(null);
    expect(lockedUntil(locked, at(11_000), unlockedAt)).to.equal(null);
    expect(liveFailures(failures(2), at(11_000), policy.cool_off_ms, unlockedAt)).to.equal(0);
    const after = fail(locked, at(11_000), unlockedAt);
    expect((after[0]!.data as { failures: number }).failures).to.equal(1);
  });
});
