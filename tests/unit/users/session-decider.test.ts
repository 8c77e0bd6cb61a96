import { expect } from 'chai';
import { DomainError } from '../../../src/domain/shared/domain-error.js';
import type { SessionCommand } from '../../../src/domain/sessions/commands.js';
import { sessionDecider } from '../../../src/domain/sessions/decider.js';
import type { SessionEvent } from '../../../src/domain/sessions/events.js';

const at = new Date('2025-01-02T00:00:00.000Z');
const later = new Date('2025-01-09T00:00:00.000Z');

function given(...events: SessionEvent[]) {
  const state = events.reduce(sessionDecider.evolve, sessionDecider.initialState);
  return {
    state,
    when(command: SessionCommand): SessionEvent[] | string {
      try {
        return sessionDecider.decide(command, state);
      } catch (e) {
        if (e instanceof DomainError) return e.code;
        throw e;
      }
    },
  };
}

const started: SessionEvent = {
  type: 'SessionStarted',
  data: { session_id: 's1', user_id: 'u1', jti: 'j1', expires_at: later.toISOString(), started_at: at.toISOString() },
};
const rotate = (presented: string, next: string): SessionCommand => ({ type: 'RotateRefreshToken', presented_jti: presented, new_jti: next, expires_at: later, at });
const rotated: SessionEvent = { type: 'RefreshTokenRotated', data: { from_jti: 'j1', to_jti: 'j2', expires_at: later.toISOString(), rotated_at: at.toISOString() } };

describe('session decider (refresh-token families)', () => {
  it('starts once', () => {
    expect(given().when({ type: 'StartSession', session_id: 's1', user_id: 'u1', jti: 'j1', expires_at: later, at })).to.deep.equal([started]);
    expect(given(started).when({ type: 'StartSession', session_id: 's1', user_id: 'u1', jti: 'j1', expires_at: later, at })).to.equal('session_exists');
  });

  it('rotates the current refresh token', () => {
    expect(given(started).when(rotate('j1', 'j2'))).to.deep.equal([rotated]);
    expect(given(started, rotated).state.current_jti).to.equal('j2');
  });

  it('revokes the whole family when a spent refresh token is presented again', () => {
    const out = given(started, rotated).when(rotate('j1', 'j3'));
    expect(out).to.deep.equal([{ type: 'SessionRevoked', data: { reason: 'reuse_detected', presented_jti: 'j1', revoked_at: at.toISOString() } }]);
    const revoked = given(started, rotated, (out as SessionEvent[])[0]!);
    expect(revoked.state.revoked).to.equal('reuse_detected');
    // The newest token of the family is dead too.
    expect(revoked.when(rotate('j2', 'j4'))).to.deep.equal([]);
  });

  it('logout revokes once, then rotation yields nothing', () => {
    const out = given(started).when({ type: 'RevokeSession', reason: 'logout', at }) as SessionEvent[];
    expect(out.map((e) => e.type)).to.deep.equal(['SessionRevoked']);
    const g = given(started, out[0]!);
    expect(g.when({ type: 'RevokeSession', reason: 'logout', at })).to.deep.equal([]);
    expect(g.when(rotate('j1', 'j2'))).to.deep.equal([]);
  });

  it('refuses to rotate or revoke an unknown session', () => {
    expect(given().when(rotate('j1', 'j2'))).to.equal('session_not_found');
    expect(given().when({ type: 'RevokeSession', reason: 'logout', at })).to.equal('session_not_found');
  });
});
