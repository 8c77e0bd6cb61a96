import { expect } from 'chai';
import type { SessionCommand } from '../../../src/domain/sessions/commands.js';
import { sessionDecider } from '../../../src/domain/sessions/decider.js';
import type { SessionEvent } from '../../../src/domain/sessions/events.js';
import { deciderSpec } from '../../helpers/decider-spec.js';

const at = new Date('2025-01-02T00:00:00.000Z');
const later = new Date('2025-01-09T00:00:00.000Z');

const { given } = deciderSpec(sessionDecider, { now: at });

const started: SessionEvent = {
  type: 'SessionStarted',
  data: { session_id: 's1', user_id: 'u1', jti: 'j1', expires_at: later.toISOString(), started_at: at.toISOString() },
};
const rotate = (presented: string, next: string): SessionCommand => ({ type: 'RotateRefreshToken', presented_jti: presented, new_jti: next, expires_at: later });
const rotated: SessionEvent = { type: 'RefreshTokenRotated', data: { from_jti: 'j1', to_jti: 'j2', expires_at: later.toISOString(), rotated_at: at.toISOString() } };

describe('session decider (refresh-token families)', () => {
  it('starts once', () => {
    given().when({ type: 'StartSession', session_id: 's1', user_id: 'u1', jti: 'j1', expires_at: later }).then([started]);
    given(started).when({ type: 'StartSession', session_id: 's1', user_id: 'u1', jti: 'j1', expires_at: later }).thenThrows('session_exists');
  });

  it('rotates the current refresh token', () => {
    given(started).when(rotate('j1', 'j2')).then([rotated]);
    expect(given(started, rotated).state.current_jti).to.equal('j2');
  });

  it('revokes the whole family when a spent refresh token is presented again', () => {
    const out = given(started, rotated).when(rotate('j1', 'j3')).outcome;
    expect(out).to.deep.equal([{ type: 'SessionRevoked', data: { reason: 'reuse_detected', presented_jti: 'j1', revoked_at: at.toISOString() } }]);
    const revoked = given(started, rotated, (out as SessionEvent[])[0]!);
    expect(revoked.state.revoked).to.equal('reuse_detected');
    // The newest token of the family is dead too.
    revoked.when(rotate('j2', 'j4')).then([]);
  });

  it('logout revokes once, then rotation yields nothing', () => {
    const out = given(started).when({ type: 'RevokeSession', reason: 'logout' }).events;
    expect(out.map((e) => e.type)).to.deep.equal(['SessionRevoked']);
    const g = given(started, out[0]!);
    g.when({ type: 'RevokeSession', reason: 'logout' }).then([]);
    g.when(rotate('j1', 'j2')).then([]);
  });

  it('refuses to rotate or revoke an unknown session', () => {
    given().when(rotate('j1', 'j2')).thenThrows('session_not_found');
    given().when({ type: 'RevokeSession', reason: 'logout' }).thenThrows('session_not_found');
  });
});
