import { expect } from 'chai';
import { accountDecider } from '../../../src/domain/accounts/decider.js';
import type { AccountEvent } from '../../../src/domain/accounts/events.js';
import { deciderSpec } from '../../helpers/decider-spec.js';

const { given } = deciderSpec(accountDecider);
const opened: AccountEvent = { type: 'AccountOpened', data: { account_number: '100000000017', owner_id: 'u1', type: 'Basic', currency: 'USD' } };
const open = { type: 'OpenAccount', account_number: '100000000017', owner_id: 'u1', account_type: 'Basic', currency: 'USD' } as const;

describe('decider spec helper', () => {
  it('then passes on the decided events and fails on others or on a refusal', () => {
    given().when(open).then([opened]);
    expect(() => given().when(open).then([])).to.throw();
    expect(() => given(opened).when(open).then([])).to.throw(/refused/);
  });

  it('thenThrows passes on the refusal code and status and fails otherwise', () => {
    given(opened).when(open).thenThrows('account_exists', 409);
    expect(() => given(opened).when(open).thenThrows('account_exists', 422)).to.throw(/status/);
    expect(() => given().when(open).thenThrows('account_exists')).to.throw(/code/);
  });

  it('folds the given events into the state, and rethrows errors that are not DomainErrors', () => {
    expect(given(opened).state).to.include({ exists: true, account_number: '100000000017' });
    expect(given().when(open).outcome).to.deep.equal([opened]);
    expect(given(opened).when(open).outcome).to.equal('account_exists');
    expect(() => given(opened).when(open).events).to.throw(/account_exists/);
    expect(() => given().when({ type: 'NoSuchCommand' } as never)).to.throw(TypeError);
  });
});
