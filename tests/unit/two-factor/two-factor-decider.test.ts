import { expect } from 'chai';
import { DomainError } from '../../../src/domain/shared/domain-error.js';
import type { TwoFactorCommand } from '../../../src/domain/two-factor/commands.js';
import { decideTwoFactor } from '../../../src/domain/two-factor/decider.js';
import { evolveTwoFactor, initialTwoFactorState, type TwoFactorEvent, type TwoFactorState } from '../../../src/domain/two-factor/state.js';
import { loadConfig } from '../../../src/config/config.js';

/** A command with the time it is decided at (the handlers decide at their context's `now`). */
type Timed = TwoFactorCommand & { at: Date };
const decideAt = ({ at, ...command }: Timed, state: TwoFactorState) => decideTwoFactor(command as TwoFactorCommand, state, { now: at });

const T0 = new Date('2026-12-05T10:00:00Z');
const later = (s: number) => new Date(T0.getTime() + s * 1000);

/** Decides the commands in turn, evolving the state; the events of each. */
function run(commands: Timed[], state: TwoFactorState = initialTwoFactorState): { state: TwoFactorState; events: TwoFactorEvent[][] } {
  const events: TwoFactorEvent[][] = [];
  for (const c of commands) {
    const out = decideAt(c, state);
    events.push(out);
    state = out.reduce(evolveTwoFactor, state);
  }
  return { state, events };
}
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof DomainError ? `${e.status} ${e.code}` : String(e);
  }
  return 'no error';
};
const issue = (id: string, at = T0): Timed => ({ type: 'IssueChallenge', challenge_id: id, expires_at: new Date(at.getTime() + 300_000), at });
const answer = (id: string, matches: boolean, at = later(10), time_step: number | null = null): Timed =>
  ({ type: 'AnswerChallenge', challenge_id: id, matches, factor: time_step === null ? 'email' : 'totp', time_step, session_id: 's', at });

describe('two-factor decider (login challenges and authenticator enrolment)', () => {
  it('a challenge is answered by email without an app; the third wrong code voids it, and nothing answers it afterwards', () => {
    const { state, events } = run([issue('c1'), answer('c1', false), answer('c1', false), answer('c1', false)]);
    expect(events[0]![0]).to.deep.include({ type: 'LoginChallengeIssued' });
    expect((events[0]![0]!.data as { method: string }).method).to.equal('email');
    expect(events.slice(1).map((e) => e.map((x) => x.type))).to.deep.equal([['LoginCodeRejected'], ['LoginCodeRejected'], ['LoginCodeRejected', 'LoginChallengeVoided']]);
    expect(state.challenge).to.include({ status: 'voided', attempts: 3 });
    expect(codeOf(() => decideAt(answer('c1', true), state))).to.equal('401 invalid_code');
  });

  it('an expired, completed or superseded challenge is refused alike, and a right code completes an open one once', () => {
    const open = run([issue('c1')]).state;
    expect(codeOf(() => decideAt(answer('c1', true, later(300)), open))).to.equal('401 invalid_code');
    expect(codeOf(() => decideAt(answer('c0', true), open))).to.equal('401 invalid_code');
    const done = run([answer('c1', true)], open).state;
    expect(done.challenge?.status).to.equal('completed');
    expect(codeOf(() => decideAt(answer('c1', true), done))).to.equal('401 invalid_code');
    const superseded = run([issue('c2', later(1))], open).state;
    expect(codeOf(() => decideAt(answer('c1', true), superseded))).to.equal('401 invalid_code');
  });

  it('an app is confirmed once, then challenges ask for it; a time step is accepted once; off again asks for mail', () => {
    const pending = run([{ type: 'StartTotpEnrolment', credential_id: 'k1', at: T0 }]).state;
    expect(pending.totp).to.equal('pending');
    expect(codeOf(() => decideAt({ type: 'EnableTotp', credential_id: 'other', recovery_codes: 10, time_step: 5, at: T0 }, pending))).to.equal('409 totp_not_pending');
    const on = run([{ type: 'EnableTotp', credential_id: 'k1', recovery_codes: 10, time_step: 5, at: T0 }], pending).state;
    expect(on).to.include({ totp: 'on', last_time_step: 5 });
    expect(codeOf(() => decideAt({ type: 'StartTotpEnrolment', credential_id: 'k2', at: T0 }, on))).to.equal('409 totp_already_enabled');
    const challenged = run([issue('c1')], on);
    expect((challenged.events[0]![0]!.data as { method: string }).method).to.equal('totp');
    // The confirming code's step cannot log in; a newer one can, and then not again.
    expect(codeOf(() => decideAt(answer('c1', true, later(10), 5), challenged.state))).to.equal('401 invalid_code');
    const used = run([answer('c1', true, later(10), 6), issue('c2', later(20))], challenged.state).state;
    expect(used.last_time_step).to.equal(6);
    expect(codeOf(() => decideAt(answer('c2', true, later(25), 6), used))).to.equal('401 invalid_code');
    const off = run([{ type: 'DisableTotp', proof: 'password', at: later(30) }, issue('c3', later(31))], used);
    expect((off.events[1]![0]!.data as { method: string }).method).to.equal('email');
    expect(codeOf(() => decideAt({ type: 'DisableTotp', proof: 'code', at: later(40) }, off.state))).to.equal('409 totp_not_enabled');
  });

  it('no event carries a code or a secret: only ids, counts, steps and times', () => {
    const { events } = run([
      { type: 'StartTotpEnrolment', credential_id: 'k1', at: T0 },
      { type: 'EnableTotp', credential_id: 'k1', recovery_codes: 10, time_step: 5, at: T0 },
      issue('c1'), answer('c1', false), answer('c1', true, later(20), 7),
      { type: 'DisableTotp', proof: 'code', at: later(30) },
    ]);
    const keys = new Set(events.flat().flatMap((e) => Object.keys(e.data)));
    expect([...keys].sort()).to.deep.equal(['attempts', 'challenge_id', 'completed_at', 'credential_id', 'disabled_at', 'enabled_at', 'expires_at', 'factor', 'issued_at', 'method', 'proof', 'recovery_codes', 'rejected_at', 'session_id', 'started_at', 'time_step']);
  });
});

describe('two-factor settings', () => {
  it('PASSWORD_ONLY_LOGIN is allow or refuse (default allow); LOGIN_CODE_TTL_SECONDS 1-3600 (default 300)', () => {
    const base = { NODE_ENV: 'test', DATA_DIR: '/nonexistent-never-read', JWT_SECRET: 'x'.repeat(40), DATA_MASTER_KEY: 'a3f1c0de5b7e49d2a8c61f0e9d3b7a45c2e8f14b6d09a7c3e5f2b8d1c4a6e903', EMAIL_HASH_KEY: '5e2d8b1f0c7a4e93b6d2f8a1c5e09b7d3f4a6c8e2b1d0f9a7c5e3b2d1f0a9c8e' };
    expect(loadConfig(base)).to.include({ passwordOnlyLogin: 'allow', loginCodeTtlSeconds: 300 });
    expect(loadConfig({ ...base, PASSWORD_ONLY_LOGIN: 'refuse', LOGIN_CODE_TTL_SECONDS: '60' })).to.include({ passwordOnlyLogin: 'refuse', loginCodeTtlSeconds: 60 });
    expect(() => loadConfig({ ...base, PASSWORD_ONLY_LOGIN: 'maybe' })).to.throw(/PASSWORD_ONLY_LOGIN must be allow or refuse/);
    expect(() => loadConfig({ ...base, LOGIN_CODE_TTL_SECONDS: '0' })).to.throw(/LOGIN_CODE_TTL_SECONDS/);
  });
});
