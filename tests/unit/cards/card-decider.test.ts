import { expect } from 'chai';
import type { AccountFacts, CardCommand } from '../../../src/domain/cards/commands.js';
import { cardDecider, cardStream } from '../../../src/domain/cards/decider.js';
import type { CardEvent } from '../../../src/domain/cards/events.js';
import { composePan } from '../../../src/domain/cards/pan.js';
import { deciderSpec } from '../../helpers/decider-spec.js';

const account: AccountFacts = { exists: true, account_number: '100000000017', owner_id: 'u1', status: 'active', currency: 'JOD' };
const frozen: AccountFacts = { ...account, status: 'frozen' };
const pan = composePan('000123456');
const hash = 'ab'.repeat(32);
const now = new Date('2025-03-14T10:00:00Z');
const { given } = deciderSpec(cardDecider, { now });

const issue = (over: Partial<Extract<CardCommand, { type: 'IssueCard' }>> = {}): CardCommand => ({
  type: 'IssueCard', card_id: 'c1', caller_id: 'u1', account, card_type: 'DEBIT', pan, pan_hash: hash, ...over,
});
const update = (over: Partial<Extract<CardCommand, { type: 'UpdateCard' }>> = {}): CardCommand => ({
  type: 'UpdateCard', caller_id: 'u1', account, ...over,
});

const issued = (): CardEvent => {
  const out = given().when(issue()).outcome;
  if (typeof out === 'string') throw new Error(out);
  return out[0]!;
};
const blocked: CardEvent = { type: 'CardBlocked', data: { reason: 'owner_request' } };

describe('card decider', () => {
  it('issues a card keeping only the last four digits and the keyed hash of the number', () => {
    const out = given().when(issue({ card_type: 'CREDIT' })).outcome;
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
    const out = given().when(issue({ daily_limit: 250_500n, monthly_limit: 900_000n })).outcome;
    expect(out).to.be.an('array');
    expect((out as CardEvent[])[0]!.data).to.include({ daily_limit: '250500', monthly_limit: '900000' });
    given().when(issue({ daily_limit: 2_000n, monthly_limit: 1_000n })).thenThrows('invalid_card_limits', 422);
    given().when(issue({ daily_limit: 0n })).thenThrows('invalid_card_limits', 422);
  });

  it('answers 404 for an account that is missing or not the caller\'s', () => {
    given().when(issue({ caller_id: 'u2' })).thenThrows('account_not_found', 404);
    given().when(issue({ account: { ...account, exists: false } })).thenThrows('account_not_found', 404);
  });

  it('refuses to issue on a frozen account, and a second issue of the same card', () => {
    given().when(issue({ account: frozen })).thenThrows('account_frozen', 422);
    given(issued()).when(issue()).thenThrows('card_exists', 409);
  });

  it('refuses a generated number that is not Luhn-valid (a bug, not a client error)', () => {
    const bad = pan.slice(0, -1) + String((Number(pan.slice(-1)) + 1) % 10);
    expect(() => given().when(issue({ pan: bad }))).to.throw(/not a valid/);
  });

  it('blocks, even on a frozen account, and blocking twice appends nothing', () => {
    given(issued()).when(update({ is_active: false, account: frozen })).then([blocked]);
    given(issued(), blocked).when(update({ is_active: false })).then([]);
  });

  it('unblocks only while the account is active and the card has not expired', () => {
    given(issued(), blocked).when(update({ is_active: true })).then([
      { type: 'CardUnblocked', data: { reason: 'owner_request' } },
    ]);
    given(issued(), blocked).when(update({ is_active: true, account: frozen })).thenThrows('account_frozen', 422);
    expect(given(issued(), blocked).when(update({ is_active: true }), { now: new Date('2030-03-31T23:59:59Z') }).outcome).to.have.length(1);
    given(issued(), blocked).when(update({ is_active: true }), { now: new Date('2030-04-01T00:00:00Z') }).thenThrows('card_expired', 422);
    given(issued()).when(update({ is_active: true, account: frozen })).then([]);
  });

  it('changes limits, merging with the current ones, and appends nothing when they are unchanged', () => {
    given(issued()).when(update({ daily_limit: 500n })).then([
      { type: 'CardLimitsChanged', data: { daily_limit: '500', monthly_limit: '10000000' } },
    ]);
    given(issued()).when(update({ daily_limit: 1_000_000n })).then([]);
    given(issued()).when(update({ monthly_limit: 10n })).thenThrows('invalid_card_limits', 422);
  });

  it('applies limits and block in one decision, or neither', () => {
    const both = given(issued()).when(update({ daily_limit: 700n, is_active: false })).outcome;
    expect((both as CardEvent[]).map((e) => e.type)).to.deep.equal(['CardLimitsChanged', 'CardBlocked']);
    given(issued()).when(update({ daily_limit: 0n, is_active: false })).thenThrows('invalid_card_limits', 422);
  });

  it('answers 404 for someone else\'s card or a card that does not exist', () => {
    given(issued()).when(update({ caller_id: 'u2', is_active: false })).thenThrows('card_not_found', 404);
    given().when(update({ is_active: false })).thenThrows('card_not_found', 404);
  });

  it('folds the events into the state the API shows', () => {
    const { state } = given(issued(), blocked, { type: 'CardLimitsChanged', data: { daily_limit: '5', monthly_limit: '6' } });
    expect(state).to.include({ exists: true, status: 'blocked', daily_limit: 5n, monthly_limit: 6n, last4: pan.slice(-4) });
    expect(state.expiry).to.deep.equal({ year: 2030, month: 3 });
    expect(cardStream('c1')).to.equal('card-c1');
  });
});
