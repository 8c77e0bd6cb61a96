import { expect } from 'chai';
import type { AccountCommand } from '../../../src/domain/accounts/commands.js';
import { accountDecider } from '../../../src/domain/accounts/decider.js';
import type { AccountEvent } from '../../../src/domain/accounts/events.js';
import { available } from '../../../src/domain/accounts/state.js';
import { deciderSpec } from '../../helpers/decider-spec.js';

// Closing records the decision's time; nothing else an account decides depends on it.
const { given } = deciderSpec(accountDecider, { now: new Date('2026-01-02T00:00:00.000Z') });

const opened: AccountEvent = { type: 'AccountOpened', data: { account_number: '100000000017', owner_id: 'u1', type: 'Basic', currency: 'USD' } };
const deposited = (amount: bigint, after: bigint): AccountEvent => ({
  type: 'FundsDeposited',
  data: { deposit_id: `d${after}`, amount: amount.toString(), balance_after: after.toString(), reference: '' },
});
const debit = (amount: bigint, fee = 0n): AccountCommand => ({
  type: 'DebitAccount', transfer_id: 't1', kind: 'external', amount, fee, counterparty_account: '200000000015',
  credit_amount: amount, fx: null, fee_account: fee > 0n ? 'FEES' : null,
});

describe('account decider', () => {
  it('opens once', () => {
    expect(given().when({ type: 'OpenAccount', account_number: 'n', owner_id: 'u', account_type: 'Basic', currency: 'JOD' }).outcome).to.have.length(1);
    given(opened).when({ type: 'OpenAccount', account_number: 'n', owner_id: 'u', account_type: 'Basic', currency: 'JOD' }).thenThrows('account_exists');
  });

  it('debits amount plus fee and carries the balance after', () => {
    const out = given(opened, deposited(10_000n, 10_000n)).when(debit(4_000n, 40n)).outcome;
    expect(out).to.deep.equal([{
      type: 'AccountDebited',
      data: {
        transfer_id: 't1', kind: 'external', amount: '4000', fee: '40', counterparty_account: '200000000015',
        credit_amount: '4000', fx: null, fee_account: 'FEES', from_reservation: false, balance_after: '5960',
      },
    }]);
  });

  it('refuses a debit above the available balance, fee included', () => {
    given(opened, deposited(10_000n, 10_000n)).when(debit(10_000n, 1n)).thenThrows('insufficient_funds');
    expect(given(opened, deposited(10_000n, 10_000n)).when(debit(10_000n)).outcome).to.be.an('array');
  });

  it('refuses to debit or deposit on a frozen account but lets a reversal through', () => {
    const frozen = given(opened, deposited(500n, 500n), { type: 'AccountFrozen', data: { reason: 'test' } });
    frozen.when(debit(1n)).thenThrows('account_frozen');
    frozen.when({ type: 'DepositFunds', deposit_id: 'd', amount: 1n, reference: '' }).thenThrows('account_frozen');
    expect(frozen.when({ type: 'ReverseDebit', transfer_id: 't', amount: 1n, reason: 'r' }).outcome).to.be.an('array');
  });

  it('a frozen customer account refuses an owed credit (balance unchanged); a bank account always takes it', () => {
    const credit: AccountCommand = { type: 'CreditAccount', transfer_id: 't', kind: 'external', amount: 7n, counterparty_account: 'x', fx: null };
    const frozen = given(opened, deposited(500n, 500n), { type: 'AccountFrozen', data: { reason: 'test' } });
    const refused = frozen.when(credit).events;
    expect(refused).to.deep.equal([{
      type: 'CreditRefused',
      data: { transfer_id: 't', kind: 'external', amount: '7', counterparty_account: 'x', reason: 'account_frozen' },
    }]);
    expect(accountDecider.evolve(frozen.state, refused[0]!).balance).to.equal(500n);
    const active = given(opened, deposited(500n, 500n), { type: 'AccountFrozen', data: { reason: 'test' } }, { type: 'AccountUnfrozen', data: { reason: 'ok' } });
    expect((active.when(credit).events)[0]).to.deep.include({ type: 'AccountCredited' });
    const fees: AccountEvent = { type: 'AccountOpened', data: { account_number: '900000000013', owner_id: 'bank', type: 'BankFees', currency: 'USD' } };
    const frozenFees = given(fees, { type: 'AccountFrozen', data: { reason: 'test' } });
    expect((frozenFees.when(credit).events)[0]).to.deep.include({ type: 'AccountCredited' });
  });

  it('lets only the bank cash account go below zero', () => {
    const cash: AccountEvent = { type: 'AccountOpened', data: { account_number: 'BANK-CASH-USD', owner_id: 'bank', type: 'BankCash', currency: 'USD' } };
    const out = given(cash).when(debit(700n)).outcome;
    expect(out).to.be.an('array');
    expect((out as AccountEvent[])[0]!.data).to.include({ balance_after: '-700' });
    given(opened).when(debit(700n)).thenThrows('insufficient_funds');
  });

  it('posts FX positions only on the bank FX accounts, either way but never zero', () => {
    const fx: AccountEvent = { type: 'AccountOpened', data: { account_number: '900000000021', owner_id: 'bank', type: 'BankFx', currency: 'JOD' } };
    const out = given(fx).when({ type: 'PostFxPosition', transfer_id: 't', kind: 'external', amount: -1_410n }).outcome;
    expect((out as AccountEvent[])[0]!.data).to.include({ amount: '-1410', balance_after: '-1410' });
    given(fx).when({ type: 'PostFxPosition', transfer_id: 't', kind: 'external', amount: 0n }).thenThrows('invalid_amount');
    given(opened).when({ type: 'PostFxPosition', transfer_id: 't', kind: 'external', amount: 5n }).thenThrows('not_fx_account');
  });

  it('refuses a fee without a fee account', () => {
    given(opened, deposited(500n, 500n)).when({ ...debit(100n, 1n), fee_account: null } as AccountCommand).thenThrows('invalid_fee');
  });

  it('refuses zero and negative amounts', () => {
    const g = given(opened, deposited(500n, 500n));
    g.when(debit(0n)).thenThrows('invalid_amount');
    g.when(debit(-5n)).thenThrows('invalid_amount');
    g.when(debit(5n, -1n)).thenThrows('invalid_amount');
  });

  const hold = (amount: bigint, fee = 0n, transfer_id = 't1'): AccountCommand => ({
    type: 'HoldFunds', transfer_id, kind: 'external', amount, fee, counterparty_account: '200000000015', expires_at: '2026-01-01T00:05:00.000Z',
  });
  const held = (amount: bigint, fee: bigint, balance: bigint, transfer_id = 't1'): AccountEvent => ({
    type: 'FundsHeld',
    data: {
      transfer_id, kind: 'external', amount: amount.toString(), fee: fee.toString(), counterparty_account: '200000000015',
      expires_at: '2026-01-01T00:05:00.000Z', balance_after: balance.toString(), available_after: (balance - amount - fee).toString(),
    },
  });
  const post = (amount: bigint, fee = 0n, transfer_id = 't1'): AccountCommand => ({ ...debit(amount, fee), type: 'PostHold', transfer_id } as AccountCommand);
  const frozenEvent: AccountEvent = { type: 'AccountFrozen', data: { reason: 'test' } };

  it('places a hold of amount + fee against the available balance; the balance stays', () => {
    const g = given(opened, deposited(1_000n, 1_000n));
    g.when(hold(800n, 8n)).then([held(800n, 8n, 1_000n)]);
    const after = given(opened, deposited(1_000n, 1_000n), held(800n, 8n, 1_000n)).state;
    expect([after.balance, available(after)]).to.deep.equal([1_000n, 192n]);
    g.when(hold(993n, 8n)).thenThrows('insufficient_funds');
    expect(g.when(hold(992n, 8n)).outcome).to.be.an('array').with.length(1);
  });

  it('places a hold once: the same transfer again decides nothing; a frozen account holds nothing', () => {
    given(opened, deposited(1_000n, 1_000n), held(800n, 0n, 1_000n)).when(hold(800n)).then([]);
    given(opened, deposited(1_000n, 1_000n), frozenEvent).when(hold(10n)).thenThrows('account_frozen');
  });

  it('spending checks the available balance: held money cannot be debited or held again', () => {
    const g = given(opened, deposited(1_000n, 1_000n), held(800n, 8n, 1_000n));
    g.when({ ...debit(193n), transfer_id: 't2' } as AccountCommand).thenThrows('insufficient_funds');
    expect(g.when({ ...debit(192n), transfer_id: 't2' } as AccountCommand).outcome).to.be.an('array');
    g.when(hold(193n, 0n, 't2')).thenThrows('insufficient_funds');
  });

  it('posts a hold as its debit (from_reservation), which cannot fail for funds, and ends the hold', () => {
    // The whole balance is held: a plain debit is refused, posting the hold is not.
    const g = given(opened, deposited(1_000n, 1_000n), held(990n, 10n, 1_000n));
    g.when({ ...debit(1n), transfer_id: 't2' } as AccountCommand).thenThrows('insufficient_funds');
    const out = g.when(post(990n, 10n)).events;
    expect(out).to.have.length(1);
    expect(out[0]).to.deep.include({ type: 'AccountDebited' });
    expect(out[0]!.data).to.include({ from_reservation: true, amount: '990', fee: '10', balance_after: '0' });
    const after = out.reduce(accountDecider.evolve, g.state);
    expect([after.balance, available(after), after.holds]).to.deep.equal([0n, 0n, {}]);
    given(opened, deposited(1_000n, 1_000n), held(990n, 10n, 1_000n), out[0]!).when(post(990n, 10n)).then([]);
  });

  it('a frozen sender voids the hold when it is posted (one decision), and keeps its holds while frozen', () => {
    const g = given(opened, deposited(1_000n, 1_000n), held(800n, 0n, 1_000n), frozenEvent);
    expect(available(g.state)).to.equal(200n);
    const out = g.when(post(800n)).events;
    expect(out).to.deep.equal([{
      type: 'HoldReleased',
      data: { transfer_id: 't1', kind: 'external', amount: '800', reason: 'sender_frozen', counterparty_account: '200000000015', balance_after: '1000', available_after: '1000' },
    }]);
    expect(available(out.reduce(accountDecider.evolve, g.state))).to.equal(1_000n);
  });

  it('refuses to post a hold for another amount; posting a hold that is not there decides nothing', () => {
    const g = given(opened, deposited(1_000n, 1_000n), held(800n, 0n, 1_000n));
    g.when(post(700n)).thenThrows('hold_mismatch');
    given(opened, deposited(1_000n, 1_000n)).when(post(10n)).then([]);
  });

  it('releases a hold once, even on a frozen account; a second release decides nothing', () => {
    const g = given(opened, deposited(1_000n, 1_000n), held(800n, 8n, 1_000n), frozenEvent);
    const out = g.when({ type: 'ReleaseHold', transfer_id: 't1', reason: 'expired' }).events;
    expect(out.map((e) => e.type)).to.deep.equal(['HoldReleased']);
    expect(out[0]!.data).to.include({ amount: '808', reason: 'expired', balance_after: '1000', available_after: '1000' });
    const after = out.reduce(accountDecider.evolve, g.state);
    expect([after.balance, available(after)]).to.deep.equal([1_000n, 1_000n]);
    given(opened, deposited(1_000n, 1_000n), held(800n, 8n, 1_000n), out[0]!).when({ type: 'ReleaseHold', transfer_id: 't1', reason: 'locked' }).then([]);
    given(opened).when({ type: 'ReleaseHold', transfer_id: 't1', reason: 'locked' }).then([]);
  });

  it('freezes and unfreezes once each', () => {
    given(opened, { type: 'AccountFrozen', data: { reason: '' } }).when({ type: 'FreezeAccount', reason: '' }).thenThrows('already_frozen');
    given(opened).when({ type: 'UnfreezeAccount', reason: '' }).thenThrows('already_active');
    given().when({ type: 'FreezeAccount', reason: '' }).thenThrows('account_not_found');
  });

  describe('closing', () => {
    const close: AccountCommand = { type: 'CloseAccount', reason: 'customer_closed' };
    const closedEvent: AccountEvent = { type: 'AccountClosed', data: { reason: 'customer_closed', closed_at: '2026-01-02T00:00:00.000Z' } };
    const debited: AccountEvent = {
      type: 'AccountDebited',
      data: { transfer_id: 't0', kind: 'external', amount: '500', fee: '0', counterparty_account: '200000000015', credit_amount: '500', fx: null, fee_account: null, from_reservation: false, balance_after: '0' },
    };

    it('refuses while the account holds money or a hold, closes at zero, and records a second close as nothing', () => {
      given(opened, deposited(500n, 500n)).when(close).thenThrows('account_not_empty');
      given(opened, deposited(500n, 500n), held(500n, 0n, 500n)).when(close).thenThrows('account_not_empty');
      given(opened, deposited(500n, 500n), debited).when(close).then([closedEvent]);
      given(opened).when(close).then([closedEvent]);
      given(opened, closedEvent).when(close).then([]);
      given().when(close).thenThrows('account_not_found');
      const bank: AccountEvent = { type: 'AccountOpened', data: { account_number: 'FEES', owner_id: 'bank', type: 'BankFees', currency: 'USD' } };
      given(bank).when(close).thenThrows('system_account');
    });

    it('a closed account takes no money and no command; a credit in flight is refused (then reversed to its sender)', () => {
      const g = given(opened, closedEvent);
      expect(g.state.status).to.equal('closed');
      g.when({ type: 'DepositFunds', deposit_id: 'd', amount: 5n, reference: '' }).thenThrows('account_closed');
      g.when(hold(5n)).thenThrows('account_closed');
      g.when(debit(5n)).thenThrows('account_closed');
      g.when({ type: 'FreezeAccount', reason: '' }).thenThrows('account_closed');
      g.when({ type: 'UnfreezeAccount', reason: '' }).thenThrows('account_closed');
      const credit = g.when({ type: 'CreditAccount', transfer_id: 't9', kind: 'external', amount: 5n, counterparty_account: '200000000015', fx: null }).outcome;
      expect(credit).to.deep.equal([{ type: 'CreditRefused', data: { transfer_id: 't9', kind: 'external', amount: '5', counterparty_account: '200000000015', reason: 'account_closed' } }]);
    });
  });
});

