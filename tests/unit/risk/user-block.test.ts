import { expect } from 'chai';
import type { UserCommand } from '../../../src/domain/users/commands.js';
import { userDecider } from '../../../src/domain/users/decider.js';
import type { UserEvent } from '../../../src/domain/users/events.js';
import { isActive } from '../../../src/domain/users/state.js';
import { deciderSpec } from '../../helpers/decider-spec.js';

const at = new Date('2025-01-01T00:00:00Z');
const registered: UserEvent = {
  type: 'UserRegistered',
  data: { user_id: 'u1', email: 'a@example.com', credential_id: 'c', country: '', kpi_country: '', first_name: '', last_name: '', is_staff: false, is_superuser: false, roles: [], registered_at: at.toISOString() },
};
const activated: UserEvent = { type: 'UserActivated', data: { activated_at: at.toISOString() } };
const blocked: UserEvent = { type: 'UserBlocked', data: { reason: 'fraud', at: at.toISOString() } };
const unblocked: UserEvent = { type: 'UserUnblocked', data: { reason: 'cleared', at: at.toISOString() } };

const { given } = deciderSpec(userDecider, { now: at });

describe('users: block and unblock', () => {
  it('blocks an active user, who is then not active', () => {
    given(registered, activated).when({ type: 'BlockUser', reason: 'fraud' }).then([blocked]);
    expect(isActive(given(registered, activated).state)).to.equal(true);
    expect(isActive(given(registered, activated, blocked).state)).to.equal(false);
  });

  it('refuses blocking twice and unblocking an active user (409), and unknown users (404)', () => {
    given(registered, activated, blocked).when({ type: 'BlockUser', reason: '' }).thenThrows('already_blocked', 409);
    given(registered, activated).when({ type: 'UnblockUser', reason: '' }).thenThrows('already_active', 409);
    given().when({ type: 'BlockUser', reason: '' }).thenThrows('user_not_found', 404);
  });

  it('unblocks: active again, and a blocked user cannot change the password', () => {
    given(registered, activated, blocked).when({ type: 'UnblockUser', reason: 'cleared' }).then([unblocked]);
    expect(isActive(given(registered, activated, blocked, unblocked).state)).to.equal(true);
    const change: UserCommand = { type: 'ChangePassword', credential_id: 'x', reason: 'reset', expected_credentials_version: 0 };
    given(registered, activated, blocked).when(change).thenThrows('user_not_found', 404);
  });
});
