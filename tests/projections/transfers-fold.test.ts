import { expect } from 'chai';
import type { BankEventOf } from '../../src/domain/events.js';
import {
  foldTransfers, transfersTouched, type TransferState, type TransfersBefore, type TransfersChanges, type TransfersEvent,
} from '../../src/projections/transfers/transfers-fold.js';
import { eventLog, OCCURRED_AT } from './support/event-log.js';

const A = '100000000017'; // u1, JOD
const B = '200000000015'; // u2, JOD
const FEES = '900000000002'; // the bank's fees account

const opened = (account_number: string, owner_id: string, currency: 'JOD' | 'USD' = 'JOD'): BankEventOf<'AccountOpened'> =>
  ({ type: 'AccountOpened', data: { account_number, owner_id, type: 'Basic', currency } });
const requested = (transfer_id: string): BankEventOf<'TransferRequested'> => ({
  type: 'TransferRequested',
  data: {
    transfer_id, owner_id: 'u1', kind: 'external', sender_account: A, receiver_account: B, amount: '50000', fee: '500', fee_account: FEES,
    currency: 'JOD', credit_amount: '50000', receiver_currency: 'JOD', fx: null, expires_at: '2026-01-05T10:05:00.000Z', attempts_left: 3,
  },
});
const debited = (transfer_id: string, balance_after: string, kind: 'external' | 'deposit' = 'external', from_reservation = false): BankEventOf<'AccountDebited'> => ({
  type: 'AccountDebited',
  data: {
    transfer_id, kind, amount: '50000', fee: '500', counterparty_account: B, credit_amount: '50000', fx: null, fee_account: FEES,
    from_reservation, balance_after,
  },
});
const credited = (transfer_id: string, counterparty_account: string, amount: string, balance_after: string): BankEventOf<'AccountCredited'> =>
  ({ type: 'AccountCredited', data: { transfer_id, kind: 'external', amount, counterparty_account, fx: null, balance_after } });
const reversed = (transfer_id: string, balance_after: string): BankEventOf<'DebitReversed'> =>
  ({ type: 'DebitReversed', data: { transfer_id, amount: '50500', reason: 'receiver_frozen', balance_after } });
const otpFailed = (transfer_id: string, attempts_left: number): BankEventOf<'TransferOtpFailed'> => ({ type: 'TransferOtpFailed', data: { transfer_id, attempts_left } });
const locked = (transfer_id: string): BankEventOf<'TransferLocked'> => ({ type: 'TransferLocked', data: { transfer_id } });
const expired = (transfer_id: string): BankEventOf<'TransferExpired'> => ({ type: 'TransferExpired', data: { transfer_id } });
const confirmed = (transfer_id: string): BankEventOf<'TransferConfirmed'> => ({ type: 'TransferConfirmed', data: { transfer_id } });
const failed = (transfer_id: string, code: string): BankEventOf<'TransferFailed'> =>
  ({ type: 'TransferFailed', data: { transfer_id, code, reason: 'the receiver was frozen' } });

/** A transfer row as stored, in `status`. */
const stored = (status: string, more: Partial<TransferState> = {}): TransferState => ({
  status, receiver_account: B, sender_balance_after: null, receiver_balance_after: null, attempts_left: 3, failure_code: null,
  updated_position: '1', ...more,
});

const given = (transfers: Record<string, TransferState> = {}, currencies: Record<string, string> = { [A]: 'JOD', [B]: 'JOD', [FEES]: 'JOD' }): TransfersBefore =>
  ({ currencies: new Map(Object.entries(currencies)), transfers: new Map(Object.entries(transfers)) });

const nothing: TransfersChanges = { accounts: [], inserts: [], updates: [] };

/** The rows after writing `changes` over `before` (what transfers-batch.ts does in SQL). */
function written(before: TransfersBefore, changes: TransfersChanges): TransfersBefore {
  const currencies = new Map(before.currencies);
  for (const a of changes.accounts) if (!currencies.has(a.account_number)) currencies.set(a.account_number, a.currency);
  const transfers = new Map(before.transfers);
  for (const { transfer_id, ...row } of changes.inserts) {
    transfers.set(transfer_id, {
      status: row.status, receiver_account: row.receiver_account, sender_balance_after: row.sender_balance_after,
      receiver_balance_after: row.receiver_balance_after, attempts_left: row.attempts_left, failure_code: row.failure_code,
      updated_position: row.updated_position,
    });
  }
  for (const { transfer_id, ...row } of changes.updates) transfers.set(transfer_id, row);
  return { currencies, transfers };
}

describe('transfers fold (rows before + events -> changes)', () => {
  it('names the accounts and transfers a batch needs: deposits are not transfers', () => {
    const log = eventLog();
    const touched = transfersTouched([
      log(`account-${A}`, opened(A, 'u1')), log(`account-${B}`, debited('d1', '0', 'deposit')), log('transfer-t1', requested('t1')),
      log(`account-${A}`, debited('t2', '100')), log(`account-${B}`, credited('t2', A, '50000', '50000')),
    ]);
    expect(touched).to.deep.equal({ accounts: [A], transfers: ['t1', 't2'] });
  });

  it('opens each account once: one stored before the batch, or opened twice in it, is not written again', () => {
    const log = eventLog();
    const changes = foldTransfers(given({}, { [A]: 'JOD' }), [
      log(`account-${A}`, opened(A, 'u1', 'USD')), log(`account-${B}`, opened(B, 'u2')), log(`account-${B}`, opened(B, 'u9', 'USD')),
    ]);
    expect(changes).to.deep.equal({ ...nothing, accounts: [{ account_number: B, owner_id: 'u2', currency: 'JOD' }] });
  });

  it('without a code: the debit creates the transfer processing, the receiver\'s credit completes it, the fee\'s credit does not', () => {
    const log = eventLog(10n);
    const changes = foldTransfers(given(), [
      log(`account-${A}`, debited('t1', '49500')),
      log(`account-${FEES}`, credited('t1', A, '500', '500')),
      log(`account-${B}`, credited('t1', A, '50000', '50000')),
    ]);
    expect(changes.updates).to.deep.equal([]);
    expect(changes.inserts).to.deep.equal([{
      transfer_id: 't1', kind: 'external', status: 'completed', sender_account: A, receiver_account: B, amount: '50000', fee: '500',
      currency: 'JOD', credited_amount: '50000', receiver_currency: 'JOD', fx: null, sender_balance_after: '49500',
      receiver_balance_after: '50000', attempts_left: null, failure_code: null, created_at: OCCURRED_AT, created_position: '10',
      updated_position: '12',
    }]);
  });

  it('a debit of an account it never saw opened writes nothing (the SQL insert selected no row)', () => {
    const log = eventLog();
    expect(foldTransfers(given({}, {}), [log(`account-${A}`, debited('t1', '0')), log(`account-${B}`, credited('t1', A, '50000', '1'))])).to.deep.equal(nothing);
  });

  it('with a code: requested pending, a wrong code counts down, confirmed, the posted hold makes it processing, the credit completes it', () => {
    const log = eventLog(20n);
    const request = [log('transfer-t1', requested('t1')), log('transfer-t1', otpFailed('t1', 2)), log('transfer-t1', confirmed('t1'))];
    const first = foldTransfers(given(), request);
    expect(first.inserts).to.have.length(1);
    expect(first.inserts[0]).to.include({ status: 'confirmed', attempts_left: 2, sender_balance_after: null, created_position: '20', updated_position: '22' });

    const posting = [log(`account-${A}`, debited('t1', '49500', 'external', true)), log(`account-${B}`, credited('t1', A, '50000', '50000'))];
    const second = foldTransfers(written(given(), first), posting);
    expect(second).to.deep.equal({
      ...nothing,
      updates: [{
        transfer_id: 't1', status: 'completed', receiver_account: B, sender_balance_after: '49500', receiver_balance_after: '50000',
        attempts_left: 2, failure_code: null, updated_position: '24',
      }],
    });
  });

  it('codes used up: locked with no attempts left, and neither a confirmation nor the expiry changes it after', () => {
    const log = eventLog(30n);
    const changes = foldTransfers(given({ t1: stored('pending_otp', { attempts_left: 1 }) }), [
      log('transfer-t1', locked('t1')), log('transfer-t1', confirmed('t1')), log('transfer-t1', expired('t1')),
    ]);
    expect(changes.updates).to.deep.equal([{ transfer_id: 't1', ...stored('locked', { attempts_left: 0, updated_position: '30' }) }]);
  });

  it('expiry: a transfer still waiting for its code expires; a confirmed one does not (its hold is posted or voided)', () => {
    const log = eventLog(40n);
    const changes = foldTransfers(given({ t1: stored('pending_otp'), t2: stored('confirmed') }), [
      log('transfer-t1', expired('t1')), log('transfer-t2', expired('t2')),
    ]);
    expect(changes.updates).to.deep.equal([{ transfer_id: 't1', ...stored('expired', { updated_position: '40' }) }]);
  });

  it('void after confirmation: a confirmed transfer fails with its code; a completed one never does', () => {
    const log = eventLog(50n);
    const changes = foldTransfers(given({ t1: stored('confirmed'), t2: stored('completed') }), [
      log('transfer-t1', failed('t1', 'receiver_frozen')), log('transfer-t2', failed('t2', 'receiver_frozen')),
    ]);
    expect(changes.updates).to.deep.equal([{ transfer_id: 't1', ...stored('failed', { failure_code: 'receiver_frozen', updated_position: '50' }) }]);
  });

  it('reversal: a processing transfer is reversed with the sender\'s balance after and the reason; a completed one is not', () => {
    const log = eventLog(60n);
    const changes = foldTransfers(given({ t1: stored('processing', { sender_balance_after: '49500' }), t2: stored('completed') }), [
      log(`account-${A}`, reversed('t1', '100000')), log(`account-${A}`, reversed('t2', '100000')),
    ]);
    expect(changes.updates).to.deep.equal([{
      transfer_id: 't1', ...stored('reversed', { sender_balance_after: '100000', failure_code: 'receiver_frozen', updated_position: '60' }),
    }]);
  });

  it('a request seen again (same id) changes nothing', () => {
    const log = eventLog(70n);
    expect(foldTransfers(given({ t1: stored('confirmed') }), [log('transfer-t1', requested('t1'))])).to.deep.equal(nothing);
  });

  it('leaves the rows it was given as they were', () => {
    const before = given({ t1: stored('pending_otp') });
    foldTransfers(before, [eventLog()('transfer-t1', expired('t1'))]);
    expect(before.transfers.get('t1')).to.deep.equal(stored('pending_otp'));
  });

  it('gives the same rows however the events are split into batches', () => {
    const log = eventLog(100n);
    const events: TransfersEvent[] = [
      log(`account-${A}`, opened(A, 'u1')), log(`account-${B}`, opened(B, 'u2')),
      log('transfer-t1', requested('t1')), log('transfer-t1', otpFailed('t1', 2)), log('transfer-t1', confirmed('t1')),
      log(`account-${A}`, debited('t1', '49500', 'external', true)), log(`account-${B}`, credited('t1', A, '50000', '50000')),
      log('transfer-t2', requested('t2')), log('transfer-t2', locked('t2')),
      log(`account-${A}`, debited('t3', '0')), log(`account-${A}`, reversed('t3', '49500')),
    ];
    const empty = given({}, {});
    const whole = written(empty, foldTransfers(empty, events));
    expect([...whole.transfers.values()].map((r) => r.status)).to.deep.equal(['completed', 'locked', 'reversed']);
    for (let cut = 1; cut < events.length; cut++) {
      const first = written(empty, foldTransfers(empty, events.slice(0, cut)));
      const split = written(first, foldTransfers(first, events.slice(cut)));
      expect(new Map([...split.transfers].sort()), `cut at ${cut}`).to.deep.equal(new Map([...whole.transfers].sort()));
      expect(split.currencies, `cut at ${cut}`).to.deep.equal(whole.currencies);
    }
  });
});
