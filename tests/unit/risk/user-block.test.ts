import { expect } from 'chai';
import type { UserCommand } from '../../../src/domain/users/commands.js';
import { userDecider } from '../../../src/domain/users/decider.js';
import type { UserEvent } from '../../../src/domain/users/events.js';
import { isActive } from '../../../src/domain/users/state.js';
import { DomainError } from '../../../src/domain/shared/domain-error.js';

const at = new Date('2025-01-01T00:00:00Z');
const registered: UserEvent = {
  type: 'UserRegistered',
  data: { user_id: 'u1', email: 'a@example.com', credential_id: 'c', country: '', kpi_country: '', first_name: '', last_name: '', is_staff: false, is_superuser: false, roles: [], registered_at: at.toISOString() },
};
const activated: UserEvent = { type: 'UserActivated', data: { activated_at: at.toISOString() } };
const blocked: UserEvent = { type: 'UserBlocked', data: { reason: 'fraud', at: at.toISOString() } };
const unblocked: UserEvent = { type: 'UserUnblocked', data: { reason: 'cleared', at: at.toISOString() } };

function given(...events: UserEvent[]) {
  const state = events.reduce(userDecider.evolve, userDecider.initialState);
  return {
    state,
    when(command: UserCommand): UserEvent[] | string {
      try {
        return userDecider.decide(command, state);
      } catch (e) {
        if (e instanceof DomainError) return `${e.code}/${e.status}`;
        throw e;
      }
    },
  };
}

describe('users: block and unblock', () => {
  it('blocks an active user, who is then not active', () => {
    expect(given(registered, activated).when({ type: 'BlockUser', reason: 'fraud', at })).to.deep.equal([blocked]);
    expect(isActive(given(registered, activated).state)).to.equal(true);
    expect(isActive(given(registered, activated, blocked).state)).to.equal(false);
  });

  it('refuses blocking twice and unblocking an active user (409), and unknown users (404)', () => {
    expect(given(registered, activated, blocked).when({ type: 'BlockUser', reason: '', at })).to.equal('already_blocked/409');
    expect(given(registered, activated).when({ type: 'UnblockUser', reason: '', at })).to.equal('already_active/409');
    expect(given().when({ type: 'BlockUser', reason: '', at })).to.equal('user_not_found/404');
  });

  it('unblocks: active again, and a blocked user cannot change the password', () => {
    expect(given(registered, activated, blocked).when({ type: 'UnblockUser', reason: 'cleared', at })).to.deep.equal([unblocked]);
    expect(isActive(given(registered, activated, blocked, unblocked).state)).to.equal(true);
    const change: UserCommand = { type: 'ChangePassword', credential_id: 'x', reason: 'reset', expected_credentials_version: 0, at };
    expect(given(registered, activated, blocked).when(change)).to.equal('user_not_found/404');
  });
});
