import { expect } from 'chai';
import type { BankEventOf } from '../../src/domain/events.js';
import { foldAccounts, type AccountChange } from '../../src/projections/accounts/accounts-fold.js';
import { eventLog, OCCURRED_AT } from './support/event-log.js';

const A = '100000000017'; // u1, JOD
const B = '200000000015';
const CASH = '900000000001';
const stream = `account-${A}`;
const fx = { from: 'JOD', to: 'USD', rate: '1.41', rate_numerator: '141', rate_denominator: '100', rounding: 'half_even', source_amount: '10000' } as const;

const deposited = (amount: string, balance_after: string): BankEventOf<'FundsDeposited'> =>
  ({ type: 'FundsDeposited', data: { deposit_id: 'd1', amount, balance_after, reference: 'salary' } });
const held = (amount: string, fee: string, balance_after: string): BankEventOf<'FundsHeld'> => ({
  type: 'FundsHeld',
  data: { transfer_id: 't1', kind: 'external', amount, fee, counterparty_account: B, expires_at: OCCURRED_AT, balance_after, available_after: '0' },
});
const released = (amount: string, reason: 'expired' | 'locked', balance_after: string): BankEventOf<'HoldReleased'> => ({
  type: 'HoldReleased', data: { transfer_id: 't1', kind: 'external', amount, reason, counterparty_account: B, balance_after, available_after: '0' },
});
const debited = (amount: string, fee: string, balance_after: string, from_reservation: boolean, withFx = false): BankEventOf<'AccountDebited'> => ({
  type: 'AccountDebited',
  data: {
    transfer_id: 't1', kind: 'external', amount, fee, counterparty_account: B, credit_amount: amount, fx: withFx ? fx : null,
    fee_account: null, from_reservation, balance_after,
  },
});

/** An account's change with only the given members different from "nothing changed". */
const change = (more: Partial<AccountChange>): AccountChange => ({ balance: null, status: null, heldDelta: 0n, updatedAt: null, lastPosition: '0', ...more });

describe('accounts fold (events -> changes; nothing is read before)', () => {
  it('an opening is an account to create, active from its time and position', () => {
    const log = eventLog(5n);
    const { opened, entries, changes } = foldAccounts([log(stream, { type: 'AccountOpened', data: { account_number: A, owner_id: 'u1', type: 'Basic', currency: 'JOD' } })]);
    expect(opened).to.deep.equal([{ account_number: A, owner_id: 'u1', type: 'Basic', currency: 'JOD', occurred_at: OCCURRED_AT, position: '5' }]);
    expect(entries).to.deep.equal([]);
    expect(changes.size).to.equal(0);
  });

  it('a deposit then a debit with a fee: two entries, the last balance wins, nothing held', () => {
    const log = eventLog(10n);
    const { entries, changes } = foldAccounts([log(stream, deposited('100000', '100000')), log(stream, debited('50000', '500', '49500', false))]);
    expect(entries.map((e) => [e.direction, e.kind, e.transfer_id, e.amount, e.fee, e.balance_after, e.counterparty_account])).to.deep.equal([
      ['credit', 'deposit', 'd1', '100000', '0', '100000', null],
      ['debit', 'external', 't1', '-50500', '500', '49500', B],
    ]);
    expect(changes.get(A)).to.deep.equal(change({ balance: '49500', updatedAt: OCCURRED_AT, lastPosition: '11' }));
  });

  it('a hold then its posting: the balance moves only at the posting, the hold is taken and given back', () => {
    const log = eventLog(20n);
    const { entries, changes } = foldAccounts([log(stream, held('50000', '500', '100000'))]);
    expect(entries.map((e) => [e.direction, e.amount, e.fee, e.balance_after])).to.deep.equal([['hold', '-50500', '500', '100000']]);
    expect(changes.get(A)).to.deep.equal(change({ balance: '100000', heldDelta: 50500n, updatedAt: OCCURRED_AT, lastPosition: '20' }));

    const posted = foldAccounts([log(stream, debited('50000', '500', '49500', true))]);
    expect(posted.entries.map((e) => [e.direction, e.amount, e.balance_after])).to.deep.equal([['debit', '-50500', '49500']]);
    expect(posted.changes.get(A)).to.deep.equal(change({ balance: '49500', heldDelta: -50500n, updatedAt: OCCURRED_AT, lastPosition: '21' }));
  });

  it('a hold voided at its expiry (in a later batch): what it took is given back, the balance stays', () => {
    const log = eventLog(30n);
    const { entries, changes } = foldAccounts([log(stream, released('50500', 'expired', '100000'))]);
    expect(entries.map((e) => [e.direction, e.amount, e.balance_after])).to.deep.equal([['release', '50500', '100000']]);
    expect(changes.get(A)).to.deep.equal(change({ balance: '100000', heldDelta: -50500n, updatedAt: OCCURRED_AT, lastPosition: '30' }));
  });

  it('a hold and its release in one batch hold nothing in the end, with both entries', () => {
    const log = eventLog(40n);
    const { entries, changes } = foldAccounts([log(stream, held('50000', '500', '100000')), log(stream, released('50500', 'locked', '100000'))]);
    expect(entries.map((e) => e.direction)).to.deep.equal(['hold', 'release']);
    expect(changes.get(A)?.heldDelta).to.equal(0n);
  });

  it('a reversal gives the debit back (its entry reads kind deposit, as it always has)', () => {
    const log = eventLog(50n);
    const { entries, changes } = foldAccounts([
      log(stream, debited('50000', '500', '49500', false)),
      log(stream, { type: 'DebitReversed', data: { transfer_id: 't1', amount: '50500', reason: 'receiver_frozen', balance_after: '100000' } }),
    ]);
    expect(entries.map((e) => [e.direction, e.kind, e.transfer_id, e.amount, e.counterparty_account])).to.deep.equal([
      ['debit', 'external', 't1', '-50500', B],
      ['reversal', 'deposit', 't1', '50500', null],
    ]);
    expect(changes.get(A)).to.deep.equal(change({ balance: '100000', updatedAt: OCCURRED_AT, lastPosition: '51' }));
  });

  it('a conversion: the debit keeps its FX, the bank\'s position gets an fx entry', () => {
    const log = eventLog(60n);
    const { entries } = foldAccounts([
      log(stream, debited('10000', '0', '90000', false, true)),
      log(`account-${CASH}`, { type: 'FxPositionPosted', data: { transfer_id: 't1', kind: 'external', amount: '10000', balance_after: '10000' } }),
    ]);
    expect(entries.map((e) => [e.account_number, e.direction, e.fx])).to.deep.equal([[A, 'debit', JSON.stringify(fx)], [CASH, 'fx', null]]);
  });

  it('freezing and unfreezing: the last status wins, the balance is kept, no entry', () => {
    const log = eventLog(70n);
    const { entries, changes } = foldAccounts([
      log(stream, { type: 'AccountFrozen', data: { reason: 'staff' } }),
      log(stream, { type: 'AccountUnfrozen', data: { reason: 'staff' } }),
      log(`account-${B}`, { type: 'AccountFrozen', data: { reason: 'risk' } }),
    ]);
    expect(entries).to.deep.equal([]);
    expect(changes.get(A)).to.deep.equal(change({ status: 'active', updatedAt: OCCURRED_AT, lastPosition: '71' }));
    expect(changes.get(B)).to.deep.equal(change({ status: 'frozen', updatedAt: OCCURRED_AT, lastPosition: '72' }));
  });

  it("a bank account's sub-streams add up: statement lines and row show the sum, from the stored balance on", () => {
    const log = eventLog(80n);
    const cashDebit = (amount: string, balance_after: string): BankEventOf<'AccountDebited'> => ({
      type: 'AccountDebited',
      data: { transfer_id: 'd', kind: 'deposit', amount, fee: '0', counterparty_account: A, credit_amount: amount, fx: null, fee_account: null, from_reservation: false, balance_after },
    });
    // Each sub-stream's balance_after is its own share: -100 on .0, -200 then -250 on .3.
    const { entries, changes } = foldAccounts(
      [log(`account-${CASH}`, cashDebit('100', '-100')), log(`account-${CASH}.3`, cashDebit('200', '-200')), log(`account-${CASH}.3`, cashDebit('50', '-250'))],
      new Map([[CASH, -1_000n]]),
    );
    expect(entries.map((e) => [e.account_number, e.amount, e.balance_after])).to.deep.equal([
      [CASH, '-100', '-1100'], [CASH, '-200', '-1300'], [CASH, '-50', '-1350'],
    ]);
    expect([...changes.keys()]).to.deep.equal([CASH]);
    expect(changes.get(CASH)!.balance).to.equal('-1350');
  });
});
