import { expect } from 'chai';
import { DomainError } from '../../../src/domain/shared/domain-error.js';
import type { UserCommand } from '../../../src/domain/users/commands.js';
import { userDecider } from '../../../src/domain/users/decider.js';
import type { UserEvent } from '../../../src/domain/users/events.js';
import { isActive } from '../../../src/domain/users/state.js';

const at = new Date('2025-01-02T03:04:05.000Z');

function given(...events: UserEvent[]) {
  const state = events.reduce(userDecider.evolve, userDecider.initialState);
  return {
    state,
    when(command: UserCommand): UserEvent[] | string {
      try {
        return userDecider.decide(command, state);
      } catch (e) {
        if (e instanceof DomainError) return e.code;
        throw e;
      }
    },
  };
}

const register: UserCommand = {
  type: 'RegisterUser', user_id: 'u1', email: 'ann@example.com', password_hash: 'h1', first_name: 'Ann', last_name: '', country: 'Jordan', at,
};
const registered = (given().when(register) as UserEvent[])[0]!;
const activated: UserEvent = { type: 'UserActivated', data: { activated_at: at.toISOString() } };
const changePassword = (expected: number): UserCommand => ({
  type: 'ChangePassword', password_hash: 'h2', reason: 'reset', expected_credentials_version: expected, at,
});

describe('user decider', () => {
  it('registers an inactive customer who is never staff', () => {
    expect(registered).to.deep.equal({
      type: 'UserRegistered',
      data: {
        user_id: 'u1', email: 'ann@example.com', password_hash: 'h1', country: 'Jordan', first_name: 'Ann', last_name: '',
        is_staff: false, is_superuser: false, roles: [], registered_at: '2025-01-02T03:04:05.000Z',
      },
    });
    const { state } = given(registered);
    expect(isActive(state)).to.equal(false);
    expect(state.date_joined).to.equal('2025-01-02T03:04:05.000Z');
  });

  it('refuses a second registration of the same email', () => {
    expect(given(registered).when(register)).to.equal('email_taken');
    expect(given(registered).when({ type: 'CreateSuperuser', user_id: 'u1', email: 'ann@example.com', password_hash: 'h', at })).to.equal('email_taken');
  });

  it('creates a superuser that is active staff at once', () => {
    const events = given().when({ type: 'CreateSuperuser', user_id: 'u9', email: 'root@example.com', password_hash: 'h', at }) as UserEvent[];
    expect(events.map((e) => e.type)).to.deep.equal(['UserRegistered', 'UserActivated']);
    const state = events.reduce(userDecider.evolve, userDecider.initialState);
    expect(state).to.include({ is_staff: true, is_superuser: true, activated: true });
    expect(isActive(state)).to.equal(true);
  });

  it('activates once; a second activation is a stale token', () => {
    expect(given(registered).when({ type: 'ActivateUser', at })).to.deep.equal([activated]);
    expect(given(registered, activated).when({ type: 'ActivateUser', at })).to.equal('stale_token');
    expect(given().when({ type: 'ActivateUser', at })).to.equal('user_not_found');
  });

  it('updates only profile fields and skips a change that changes nothing', () => {
    const g = given(registered, activated);
    expect(g.when({ type: 'UpdateProfile', changes: { country: 'UAE' } })).to.deep.equal([
      { type: 'ProfileUpdated', data: { first_name: 'Ann', last_name: '', country: 'UAE' } },
    ]);
    expect(g.when({ type: 'UpdateProfile', changes: { country: 'Jordan' } })).to.deep.equal([]);
    const after = given(registered, activated, { type: 'ProfileUpdated', data: { first_name: 'A', last_name: 'B', country: 'UAE' } }).state;
    expect(after).to.include({ is_staff: false, activated: true, email: 'ann@example.com', country: 'UAE' });
  });

  it('changes the password under the expected credentials version and bumps it', () => {
    const g = given(registered, activated);
    const out = g.when(changePassword(0)) as UserEvent[];
    expect(out).to.deep.equal([{ type: 'PasswordChanged', data: { password_hash: 'h2', reason: 'reset', changed_at: at.toISOString() } }]);
    const after = given(registered, activated, out[0]!);
    expect(after.state.credentials_version).to.equal(1);
    expect(after.state.password_hash).to.equal('h2');
    // The same reset link (issued under version 0) is now stale.
    expect(after.when(changePassword(0))).to.equal('stale_token');
    expect(after.when(changePassword(1))).to.be.an('array').with.length(1);
  });

  it('refuses a password change for an inactive user', () => {
    expect(given(registered).when(changePassword(0))).to.equal('user_not_found');
  });
});
