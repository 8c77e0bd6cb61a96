import { expect } from 'chai';
import type { AccountFacts, CardCommand } from '../../../src/domain/cards/commands.js';
import { cardDecider, cardStream } from '../../../src/domain/cards/decider.js';
import type { CardEvent } from '../../../src/domain/cards/events.js';
import { composePan } from '../../../src/domain/cards/pan.js';
import { DomainError } from '../../../src/domain/shared/domain-error.js';

function given(...events: CardEvent[]) {
  const state = events.reduce(cardDecider.evolve, cardDecider.initialState);
  return {
    state,
    when(command: CardCommand): CardEvent[] | string {
      try {
        return cardDecider.decide(command, state);
      } catch (e) {
        if (e instanceof DomainError) return `${e.status} ${e.code}`;
        throw e;
      }
    },
  };
}

const account: AccountFacts = { exists: true, account_number: '100000000017', owner_id: 'u1', status: 'active', currency: 'JOD' };
const frozen: AccountFacts = { ...account, status: 'frozen' };
const pan = composePan('000123456');
const hash = 'ab'.repeat(32);
const now = new Date('2025-03-14T10:00:00Z');

const issue = (over: Partial<Extract<CardCommand, { type: 'IssueCard' }>> = {}): CardCommand => ({
  type: 'IssueCard', card_id: 'c1', caller_id: 'u1', account, card_type: 'DEBIT', pan, pan_hash: hash, now, ...over,
});
const update = (over: Partial<Extract<CardCommand, { type: 'UpdateCard' }>> = {}): CardCommand => ({
  type: 'UpdateCard', caller_id: 'u1', account, now, ...over,
});

const issued = (): CardEvent => {
  const out = given().when(issue());
  if (typeof out === 'string') throw new Error(out);
  return out[0]!;
};
const blocked: CardEvent = { type: 'CardBlocked', data: { reason: 'owner_request' } };

describe('card decider', () => {
  it('issues a card keeping only the last four digits and the keyed hash of the number', () => {
    const out = given().when(issue({ card_type: 'CREDIT' }));
    expect(out).to.deep.equal([{
      type: 'CardIssued',
      data: {
        card_id: 'c1', account_number: '100000000017', owner_id: 'u1', card_type: 'CREDIT', brand: 'VISA',
        last4: pan.slice(-4), pan_hash: hash, expiry_year: 2030, expiry_month: 3, currency: 'JOD',
        daily_limit: '1000000', monthly_limit: '10000000', issued_at: '2025-03-14T10:00:00.000Z',
      },
    }]);
    expect(JSON.stringify(out)).not.to.contain(pan);
  });

  it('takes limits in minor units and refuses a daily limit above the monthly one', () => {
    const out = given().when(issue({ daily_limit: 250_500n, monthly_limit: 900_000n }));
    expect(out).to.be.an('array');
    expect((out as CardEvent[])[0]!.data).to.include({ daily_limit: '250500', monthly_limit: '900000' });
    expect(given().when(issue({ daily_limit: 2_000n, monthly_limit: 1_000n }))).to.equal('422 invalid_card_limits');
    expect(given().when(issue({ daily_limit: 0n }))).to.equal('422 invalid_card_limits');
  });

  it('answers 404 for an account that is missing or not the caller\'s', () => {
    expect(given().when(issue({ caller_id: 'u2' }))).to.equal('404 account_not_found');
    expect(given().when(issue({ account: { ...account, exists: false } }))).to.equal('404 account_not_found');
  });

  it('refuses to issue on a frozen account, and a second issue of the same card', () => {
    expect(given().when(issue({ account: frozen }))).to.equal('422 account_frozen');
    expect(given(issued()).when(issue())).to.equal('409 card_exists');
  });

  it('refuses a generated number that is not Luhn-valid (a bug, not a client error)', () => {
    const bad = pan.slice(0, -1) + String((Number(pan.slice(-1)) + 1) % 10);
    expect(() => cardDecider.decide(issue({ pan: bad }), cardDecider.initialState)).to.throw(/not a valid/);
  });

  it('blocks, even on a frozen account, and blocking twice appends nothing', () => {
    expect(given(issued()).when(update({ is_active: false, account: frozen }))).to.deep.equal([blocked]);
    expect(given(issued(), blocked).when(update({ is_active: false }))).to.deep.equal([]);
  });

  it('unblocks only while the account is active and the card has not expired', () => {
    expect(given(issued(), blocked).when(update({ is_active: true }))).to.deep.equal([
      { type: 'CardUnblocked', data: { reason: 'owner_request' } },
    ]);
    expect(given(issued(), blocked).when(update({ is_active: true, account: frozen }))).to.equal('422 account_frozen');
    expect(given(issued(), blocked).when(update({ is_active: true, now: new Date('2030-03-31T23:59:59Z') }))).to.have.length(1);
    expect(given(issued(), blocked).when(update({ is_active: true, now: new Date('2030-04-01T00:00:00Z') }))).to.equal('422 card_expired');
    expect(given(issued()).when(update({ is_active: true, account: frozen }))).to.deep.equal([]);
  });

  it('changes limits, merging with the current ones, and appends nothing when they are unchanged', () => {
    expect(given(issued()).when(update({ daily_limit: 500n }))).to.deep.equal([
      { type: 'CardLimitsChanged', data: { daily_limit: '500', monthly_limit: '10000000' } },
    ]);
    expect(given(issued()).when(update({ daily_limit: 1_000_000n }))).to.deep.equal([]);
    expect(given(issued()).when(update({ monthly_limit: 10n }))).to.equal('422 invalid_card_limits');
  });

  it('applies limits and block in one decision, or neither', () => {
    const both = given(issued()).when(update({ daily_limit: 700n, is_active: false }));
    expect((both as CardEvent[]).map((e) => e.type)).to.deep.equal(['CardLimitsChanged', 'CardBlocked']);
    expect(given(issued()).when(update({ daily_limit: 0n, is_active: false }))).to.equal('422 invalid_card_limits');
  });

  it('answers 404 for someone else\'s card or a card that does not exist', () => {
    expect(given(issued()).when(update({ caller_id: 'u2', is_active: false }))).to.equal('404 card_not_found');
    expect(given().when(update({ is_active: false }))).to.equal('404 card_not_found');
  });

  it('folds the events into the state the API shows', () => {
    const { state } = given(issued(), blocked, { type: 'CardLimitsChanged', data: { daily_limit: '5', monthly_limit: '6' } });
    expect(state).to.include({ exists: true, status: 'blocked', daily_limit: 5n, monthly_limit: 6n, last4: pan.slice(-4) });
    expect(state.expiry).to.deep.equal({ year: 2030, month: 3 });
    expect(cardStream('c1')).to.equal('card-c1');
  });
});
