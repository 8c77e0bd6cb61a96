import { expect } from 'chai';
import { rolesOf } from '../../../src/commands/sessions/issue-tokens.js';
import { DomainError } from '../../../src/domain/shared/domain-error.js';
import { userDecider } from '../../../src/domain/users/decider.js';
import type { UserEvent } from '../../../src/domain/users/events.js';

const at = new Date('2026-02-03T04:05:06.000Z');
const registered = userDecider.decide(
  { type: 'RegisterUser', user_id: 'u1', email: 'ann@example.com', credential_id: 'c', first_name: 'Ann', last_name: '', country: 'Jordan' },
  userDecider.initialState,
  { now: at },
)[0]!;

describe('auditor role: GrantRole on the user aggregate', () => {
  it('records RoleGranted once and the user then carries the auditor role', () => {
    const state = userDecider.evolve(userDecider.initialState, registered);
    expect(rolesOf(state)).to.deep.equal(['customer']);
    const events = userDecider.decide({ type: 'GrantRole', role: 'auditor' }, state, { now: at });
    expect(events).to.deep.equal([{ type: 'RoleGranted', data: { role: 'auditor', granted_at: at.toISOString() } }]);
    const after = events.reduce((s, e: UserEvent) => userDecider.evolve(s, e), state);
    expect(rolesOf(after)).to.deep.equal(['customer', 'auditor']);
    expect(userDecider.decide({ type: 'GrantRole', role: 'auditor' }, after, { now: at })).to.deep.equal([]);
  });

  it('refuses a user that does not exist', () => {
    expect(() => userDecider.decide({ type: 'GrantRole', role: 'auditor' }, userDecider.initialState, { now: at })).to.throw(DomainError, /not found/i);
  });
});
