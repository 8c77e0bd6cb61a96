import { expect } from 'chai';
import { incrementsOf, type AccountFact } from '../../../src/domain/metrics/increments.js';
import { averagePerCurrency, zeroPerCurrency } from '../../../src/domain/metrics/per-currency.js';

const accounts = new Map<string, AccountFact>([
  ['A', { owner_id: 'u1', type: 'Basic', currency: 'JOD' }],
  ['U', { owner_id: 'u1', type: 'USD', currency: 'USD' }],
  ['CASH', { owner_id: 'bank', type: 'BankCash', currency: 'JOD' }],
  ['FEES', { owner_id: 'bank', type: 'BankFees', currency: 'JOD' }],
  ['BILLER', { owner_id: 'bank', type: 'Biller', currency: 'JOD' }],
]);
const on = (account: string, type: string, data: Record<string, unknown>) => incrementsOf({ type, stream_id: `account-${account}`, data }, accounts);
const debit = (kind: string, extra: Record<string, unknown> = {}) => ({ kind, amount: '1500', fee: '15', fx: null, from_reservation: false, ...extra });

describe('metric increments (KPI definitions)', () => {
  it('counts a transfer once, by kind, in the sender currency; a confirmed high-value debit too', () => {
    expect(on('A', 'AccountDebited', debit('internal'))).to.deep.equal([
      { kind: 'money', metric: 'internal_transfers', user_id: 'u1', currency: 'JOD', amount: 1500n },
    ]);
    expect(on('A', 'AccountDebited', debit('external', { from_reservation: true })).map((i) => i.kind === 'money' && i.metric)).to.deep.equal(['external_transfers']);
    expect(on('U', 'AccountDebited', debit('internal', { fx: { from: 'USD', to: 'JOD' } }))).to.deep.equal([
      { kind: 'money', metric: 'internal_transfers', user_id: 'u1', currency: 'USD', amount: 1500n },
      { kind: 'money', metric: 'fx_volume', user_id: 'u1', currency: 'USD', amount: 1500n },
    ]);
  });
  it('counts a bill as a bill only, and the receiving side of nothing', () => {
    expect(on('A', 'AccountDebited', debit('bill')).map((i) => i.kind === 'money' && i.metric)).to.deep.equal(['bill_payments']);
    expect(on('BILLER', 'AccountCredited', { kind: 'bill', amount: '1500', counterparty_account: 'A' })).to.deep.equal([]);
    expect(on('U', 'AccountCredited', { kind: 'internal', amount: '2115', counterparty_account: 'A' })).to.deep.equal([]);
  });
  it('counts deposits where they land, not the bank cash debit', () => {
    expect(on('CASH', 'AccountDebited', debit('deposit'))).to.deep.equal([]);
    expect(on('A', 'AccountCredited', { kind: 'deposit', amount: '9000', counterparty_account: 'CASH' })).to.deep.equal([
      { kind: 'money', metric: 'deposits', user_id: 'u1', currency: 'JOD', amount: 9000n },
    ]);
  });
  it('counts fees when the bank fee account is credited, for the payer', () => {
    expect(on('FEES', 'AccountCredited', { kind: 'external', amount: '15', counterparty_account: 'A' })).to.deep.equal([
      { kind: 'money', metric: 'fees_collected', user_id: 'u1', currency: 'JOD', amount: 15n },
    ]);
  });
  it('counts logins from SessionStarted and failures from AuthAttemptRecorded, never a success twice', () => {
    const e = (type: string, data: Record<string, unknown>) => incrementsOf({ type, stream_id: 'x', data }, accounts);
    expect(e('SessionStarted', { user_id: 'u1' })).to.deep.equal([
      { kind: 'count', metric: 'logins', user_id: 'u1' },
      { kind: 'active', user_id: 'u1' },
    ]);
    expect(e('AuthAttemptRecorded', { kind: 'login', outcome: 'success', user_id: 'u1' })).to.deep.equal([]);
    expect(e('AuthAttemptRecorded', { kind: 'refresh', outcome: 'failure', user_id: 'u1' })).to.deep.equal([]);
    for (const outcome of ['failure', 'locked', 'refused']) {
      expect(e('AuthAttemptRecorded', { kind: 'login', outcome, user_id: null }), outcome).to.deep.equal([{ kind: 'count', metric: 'failed_logins', user_id: null }]);
    }
    expect(e('AccountOpened', { account_number: 'F', owner_id: 'bank', type: 'BankFees', currency: 'JOD' })).to.deep.equal([]);
    expect(e('AccountOpened', { account_number: 'B', owner_id: 'u2', type: 'Basic', currency: 'JOD' })).to.deep.equal([{ kind: 'count', metric: 'new_accounts', user_id: 'u2' }]);
  });
  it('averages per currency, half to even, never across currencies', () => {
    const totals = { ...zeroPerCurrency(), JOD: 1005n, USD: 15n };
    expect(averagePerCurrency(totals, { JOD: 2, USD: 2, EUR: 0 })).to.deep.equal({ JOD: 502n, USD: 8n, EUR: 0n });
  });
});
