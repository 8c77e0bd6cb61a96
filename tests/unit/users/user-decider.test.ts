import { expect } from 'chai';
import type { UserCommand } from '../../../src/domain/users/commands.js';
import { userDecider } from '../../../src/domain/users/decider.js';
import type { UserEvent } from '../../../src/domain/users/events.js';
import { isActive } from '../../../src/domain/users/state.js';
import { deciderSpec } from '../../helpers/decider-spec.js';

const at = new Date('2025-01-02T03:04:05.000Z');

const { given } = deciderSpec(userDecider, { now: at });

const register: UserCommand = {
  type: 'RegisterUser', user_id: 'u1', email: 'ann@example.com', credential_id: 'c1', first_name: 'Ann', last_name: '', country: 'Jordan',
};
const registered = given().when(register).events[0]!;
const activated: UserEvent = { type: 'UserActivated', data: { activated_at: at.toISOString() } };
const changePassword = (expected: number): UserCommand => ({
  type: 'ChangePassword', credential_id: 'c2', reason: 'reset', expected_credentials_version: expected,
});

describe('user decider', () => {
  it('registers an inactive customer who is never staff; the event names the credential, never a hash', () => {
    expect(registered).to.deep.equal({
      type: 'UserRegistered',
      data: {
        user_id: 'u1', email: 'ann@example.com', credential_id: 'c1', country: 'Jordan', kpi_country: 'Jordan', first_name: 'Ann', last_name: '',
        is_staff: false, is_superuser: false, roles: [], registered_at: '2025-01-02T03:04:05.000Z',
      },
    });
    const { state } = given(registered);
    expect(isActive(state)).to.equal(false);
    expect(state.date_joined).to.equal('2025-01-02T03:04:05.000Z');
  });

  it('refuses a second registration of the same email', () => {
    given(registered).when(register).thenThrows('email_taken');
    given(registered).when({ type: 'CreateSuperuser', user_id: 'u1', email: 'ann@example.com', credential_id: 'c' }).thenThrows('email_taken');
  });

  it('creates a superuser that is active staff at once', () => {
    const events = given().when({ type: 'CreateSuperuser', user_id: 'u9', email: 'root@example.com', credential_id: 'c' }).events;
    expect(events.map((e) => e.type)).to.deep.equal(['UserRegistered', 'UserActivated']);
    const state = events.reduce(userDecider.evolve, userDecider.initialState);
    expect(state).to.include({ is_staff: true, is_superuser: true, activated: true });
    expect(isActive(state)).to.equal(true);
  });

  it('registers an externally signed-in user active at once, without a password, naming the provider', () => {
    const command = { type: 'RegisterExternalUser', user_id: 'u7', email: 'eve@example.com', identity_provider: 'https://accounts.google.com', first_name: 'Eve', last_name: 'X', country: '' } as const;
    const events = given().when(command).events;
    expect(events.map((e) => e.type)).to.deep.equal(['UserRegistered', 'UserActivated']);
    expect(events[0]!.data).to.deep.include({ credential_id: '', identity_provider: 'https://accounts.google.com', is_staff: false, is_superuser: false });
    const state = events.reduce(userDecider.evolve, userDecider.initialState);
    expect(state).to.include({ activated: true, credential_id: '', legacy_password_hash: '', is_staff: false });
    given(registered).when({ ...command, user_id: 'u1' }).thenThrows('email_taken');
  });

  it('activates once; a second activation is a stale token', () => {
    given(registered).when({ type: 'ActivateUser' }).then([activated]);
    given(registered, activated).when({ type: 'ActivateUser' }).thenThrows('stale_token');
    given().when({ type: 'ActivateUser' }).thenThrows('user_not_found');
  });

  it('updates only profile fields and skips a change that changes nothing', () => {
    const g = given(registered, activated);
    g.when({ type: 'UpdateProfile', changes: { country: 'UAE' } }).then([
      { type: 'ProfileUpdated', data: { first_name: 'Ann', last_name: '', country: 'UAE', kpi_country: 'United Arab Emirates' } },
    ]);
    g.when({ type: 'UpdateProfile', changes: { country: 'Jordan' } }).then([]);
    const after = given(registered, activated, { type: 'ProfileUpdated', data: { first_name: 'A', last_name: 'B', country: 'UAE', kpi_country: 'United Arab Emirates' } }).state;
    expect(after).to.include({ is_staff: false, activated: true, email: 'ann@example.com', country: 'UAE' });
  });

  it('changes the password under the expected credentials version and bumps it', () => {
    const g = given(registered, activated);
    const out = g.when(changePassword(0)).events;
    expect(out).to.deep.equal([{ type: 'PasswordChanged', data: { credential_id: 'c2', credential_version: 1, reason: 'reset', changed_at: at.toISOString() } }]);
    const after = given(registered, activated, out[0]!);
    expect(after.state).to.include({ credentials_version: 1, credential_id: 'c2', legacy_password_hash: '' });
    // The same reset link (issued under version 0) is now stale.
    after.when(changePassword(0)).thenThrows('stale_token');
    expect(after.when(changePassword(1)).outcome).to.be.an('array').with.length(1);
  });

  it('refuses a password change for an inactive user', () => {
    given(registered).when(changePassword(0)).thenThrows('user_not_found');
  });

  it('still reads the hash of legacy events, until a newer password replaces it', () => {
    const legacyRegistered = { type: 'UserRegistered', data: { ...registered.data, credential_id: undefined, password_hash: '$argon2id$legacy1' } } as unknown as UserEvent;
    const legacyChanged = { type: 'PasswordChanged', data: { password_hash: '$argon2id$legacy2', reason: 'set_password', changed_at: at.toISOString() } } as unknown as UserEvent;
    const legacy = given(legacyRegistered, activated, legacyChanged).state;
    expect(legacy).to.include({ credential_id: '', legacy_password_hash: '$argon2id$legacy2', credentials_version: 1 });
    const out = given(legacyRegistered, activated, legacyChanged).when(changePassword(1)).events;
    expect(given(legacyRegistered, activated, legacyChanged, out[0]!).state).to.include({ credential_id: 'c2', legacy_password_hash: '', credentials_version: 2 });
  });

  it('erases a user once: personal fields blank, inactive, every other command refused; erasing again records nothing', () => {
    const erased = given(registered, activated).when({ type: 'EraseUser' }).events;
    expect(erased).to.deep.equal([{ type: 'UserErased', data: { erased_at: at.toISOString() } }]);
    const after = given(registered, activated, erased[0]!);
    expect(after.state).to.include({ erased: true, email: '', first_name: '', last_name: '', country: '', credential_id: '' });
    expect(isActive(after.state)).to.equal(false);
    after.when({ type: 'EraseUser' }).then([]);
    for (const command of [changePassword(0), { type: 'UpdateProfile', changes: { first_name: 'X' } }, { type: 'GrantRole', role: 'auditor' }, { type: 'BlockUser', reason: '' }] as UserCommand[]) {
      expect(after.when(command).outcome, command.type).to.equal('user_not_found');
    }
    given(registered, activated, erased[0]!).when(register).thenThrows('email_taken');
    given().when({ type: 'EraseUser' }).thenThrows('user_not_found');
  });
});
