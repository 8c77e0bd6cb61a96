import { expect } from 'chai';
import type { AccountCommand } from '../../../src/domain/accounts/commands.js';
import { accountDecider } from '../../../src/domain/accounts/decider.js';
import type { AccountEvent } from '../../../src/domain/accounts/events.js';
import { available } from '../../../src/domain/accounts/state.js';
import { DomainError } from '../../../src/domain/shared/domain-error.js';

/** given events, when command, then events or an error code */
function given(...events: AccountEvent[]) {
  const state = events.reduce(accountDecider.evolve, accountDecider.initialState);
  return {
    state,
    when(command: AccountCommand): AccountEvent[] | string {
      try {
        return accountDecider.decide(command, state);
      } catch (e) {
        if (e instanceof DomainError) return e.code;
        throw e;
      }
    },
  };
}

const opened: AccountEvent = { type: 'AccountOpened', data: { account_number: '100000000017', owner_id: 'u1', type: 'Basic', currency: 'USD' } };
const deposited = (amount: bigint, after: bigint): AccountEvent => ({
  type: 'FundsDeposited',
  data: { deposit_id: `d${after}`, amount: amount.toString(), balance_after: after.toString(), reference: '' },
});
const debit = (amount: bigint, fee = 0n, from_reservation = false): AccountCommand => ({
  type: 'DebitAccount', transfer_id: 't1', kind: 'external', amount, fee, counterparty_account: '200000000015',
  credit_amount: amount, fx: null, fee_account: fee > 0n ? 'FEES' : null, from_reservation,
});

describe('account decider', () => {
  it('opens once', () => {
    expect(given().when({ type: 'OpenAccount', account_number: 'n', owner_id: 'u', account_type: 'Basic', currency: 'JOD' })).to.have.length(1);
    expect(given(opened).when({ type: 'OpenAccount', account_number: 'n', owner_id: 'u', account_type: 'Basic', currency: 'JOD' })).to.equal('account_exists');
  });

  it('debits amount plus fee and carries the balance after', () => {
    const out = given(opened, deposited(10_000n, 10_000n)).when(debit(4_000n, 40n));
    expect(out).to.deep.equal([{
      type: 'AccountDebited',
      data: {
        transfer_id: 't1', kind: 'external', amount: '4000', fee: '40', counterparty_account: '200000000015',
        credit_amount: '4000', fx: null, fee_account: 'FEES', from_reservation: false, balance_after: '5960',
      },
    }]);
  });

  it('refuses a debit above the available balance, fee included', () => {
    expect(given(opened, deposited(10_000n, 10_000n)).when(debit(10_000n, 1n))).to.equal('insufficient_funds');
    expect(given(opened, deposited(10_000n, 10_000n)).when(debit(10_000n))).to.be.an('array');
  });

  it('refuses to debit or deposit on a frozen account but lets a reversal through', () => {
    const frozen = given(opened, deposited(500n, 500n), { type: 'AccountFrozen', data: { reason: 'test' } });
    expect(frozen.when(debit(1n))).to.equal('account_frozen');
    expect(frozen.when({ type: 'DepositFunds', deposit_id: 'd', amount: 1n, reference: '' })).to.equal('account_frozen');
    expect(frozen.when({ type: 'ReverseDebit', transfer_id: 't', amount: 1n, reason: 'r' })).to.be.an('array');
  });

  it('a frozen customer account refuses an owed credit (balance unchanged); a bank account always takes it', () => {
    const credit: AccountCommand = { type: 'CreditAccount', transfer_id: 't', kind: 'external', amount: 7n, counterparty_account: 'x', fx: null };
    const frozen = given(opened, deposited(500n, 500n), { type: 'AccountFrozen', data: { reason: 'test' } });
    const refused = frozen.when(credit) as AccountEvent[];
    expect(refused).to.deep.equal([{
      type: 'CreditRefused',
      data: { transfer_id: 't', kind: 'external', amount: '7', counterparty_account: 'x', reason: 'account_frozen' },
    }]);
    expect(accountDecider.evolve(frozen.state, refused[0]!).balance).to.equal(500n);
    const active = given(opened, deposited(500n, 500n), { type: 'AccountFrozen', data: { reason: 'test' } }, { type: 'AccountUnfrozen', data: { reason: 'ok' } });
    expect((active.when(credit) as AccountEvent[])[0]).to.deep.include({ type: 'AccountCredited' });
    const fees: AccountEvent = { type: 'AccountOpened', data: { account_number: '900000000013', owner_id: 'bank', type: 'BankFees', currency: 'USD' } };
    const frozenFees = given(fees, { type: 'AccountFrozen', data: { reason: 'test' } });
    expect((frozenFees.when(credit) as AccountEvent[])[0]).to.deep.include({ type: 'AccountCredited' });
  });

  it('lets only the bank cash account go below zero', () => {
    const cash: AccountEvent = { type: 'AccountOpened', data: { account_number: 'BANK-CASH-USD', owner_id: 'bank', type: 'BankCash', currency: 'USD' } };
    const out = given(cash).when(debit(700n));
    expect(out).to.be.an('array');
    expect((out as AccountEvent[])[0]!.data).to.include({ balance_after: '-700' });
    expect(given(opened).when(debit(700n))).to.equal('insufficient_funds');
  });

  it('posts FX positions only on the bank FX accounts, either way but never zero', () => {
    const fx: AccountEvent = { type: 'AccountOpened', data: { account_number: '900000000021', owner_id: 'bank', type: 'BankFx', currency: 'JOD' } };
    const out = given(fx).when({ type: 'PostFxPosition', transfer_id: 't', kind: 'external', amount: -1_410n });
    expect((out as AccountEvent[])[0]!.data).to.include({ amount: '-1410', balance_after: '-1410' });
    expect(given(fx).when({ type: 'PostFxPosition', transfer_id: 't', kind: 'external', amount: 0n })).to.equal('invalid_amount');
    expect(given(opened).when({ type: 'PostFxPosition', transfer_id: 't', kind: 'external', amount: 5n })).to.equal('not_fx_account');
  });

  it('refuses a fee without a fee account', () => {
    expect(given(opened, deposited(500n, 500n)).when({ ...debit(100n, 1n), fee_account: null } as AccountCommand)).to.equal('invalid_fee');
  });

  it('refuses zero and negative amounts', () => {
    const g = given(opened, deposited(500n, 500n));
    expect(g.when(debit(0n))).to.equal('invalid_amount');
    expect(g.when(debit(-5n))).to.equal('invalid_amount');
    expect(g.when(debit(5n, -1n))).to.equal('invalid_amount');
  });

  it('holds reserved funds out of the available balance and debits from the hold', () => {
    const g = given(opened, deposited(1_000n, 1_000n), { type: 'FundsReserved', data: { transfer_id: 't1', amount: '800', available_after: '200' } });
    expect(available(g.state)).to.equal(200n);
    expect(g.when({ ...debit(300n), transfer_id: 't2' } as AccountCommand)).to.equal('insufficient_funds');
    const out = g.when(debit(800n, 0n, true));
    expect(out).to.be.an('array');
    const after = (out as AccountEvent[]).reduce(accountDecider.evolve, g.state);
    expect(after.balance).to.equal(200n);
    expect(after.reservations).to.deep.equal({});
  });

  it('refuses a debit from a hold that does not exist or differs', () => {
    const g = given(opened, deposited(1_000n, 1_000n), { type: 'FundsReserved', data: { transfer_id: 't1', amount: '800', available_after: '200' } });
    expect(g.when(debit(700n, 0n, true))).to.equal('reservation_missing');
    expect(given(opened, deposited(1_000n, 1_000n)).when(debit(10n, 0n, true))).to.equal('reservation_missing');
  });

  it('releases a hold once; a second release is a no-op', () => {
    const g = given(opened, deposited(1_000n, 1_000n), { type: 'FundsReserved', data: { transfer_id: 't1', amount: '800', available_after: '200' } });
    const out = g.when({ type: 'ReleaseReservation', transfer_id: 't1', reason: 'expired' }) as AccountEvent[];
    expect(out[0]).to.deep.include({ type: 'ReservationReleased' });
    const after = out.reduce(accountDecider.evolve, g.state);
    expect(available(after)).to.equal(1_000n);
    expect(given(opened).when({ type: 'ReleaseReservation', transfer_id: 't1', reason: 'x' })).to.deep.equal([]);
  });

  it('freezes and unfreezes once each', () => {
    expect(given(opened, { type: 'AccountFrozen', data: { reason: '' } }).when({ type: 'FreezeAccount', reason: '' })).to.equal('already_frozen');
    expect(given(opened).when({ type: 'UnfreezeAccount', reason: '' })).to.equal('already_active');
    expect(given().when({ type: 'FreezeAccount', reason: '' })).to.equal('account_not_found');
  });
});
