import { expect } from 'chai';
import { initialAccountState, type AccountState } from '../../../src/domain/accounts/state.js';
import { DomainError } from '../../../src/domain/shared/domain-error.js';
import type { TransferCommand } from '../../../src/domain/transfers/commands.js';
import { transferDecider } from '../../../src/domain/transfers/decider.js';
import type { TransferEvent, TransferRequestedData } from '../../../src/domain/transfers/events.js';
import { checkParties } from '../../../src/domain/transfers/parties.js';
import { priceTransfer } from '../../../src/domain/transfers/pricing.js';
import { deciderSpec } from '../../helpers/decider-spec.js';

const request: TransferRequestedData = {
  transfer_id: 't1', owner_id: 'u1', kind: 'internal', sender_account: 'A', receiver_account: 'B', amount: '600000', fee: '0',
  fee_account: null, currency: 'JOD', credit_amount: '600000', receiver_currency: 'JOD', fx: null, otp_hash: 'h',
  expires_at: '2026-01-01T00:05:00.000Z', attempts_left: 3,
};
const { given } = deciderSpec(transferDecider);
const requested: TransferEvent = { type: 'TransferRequested', data: request };
const before = { now: new Date('2026-01-01T00:04:59.000Z') };
const confirm = (code_matches: boolean): TransferCommand => ({ type: 'ConfirmTransfer', code_matches });
const codeOf = (fn: () => unknown): [string, number] | undefined => {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return [e.code, e.status];
    throw e;
  }
  return undefined;
};

describe('transfer decider (one-time code)', () => {
  it('records a request once; the same request again adds nothing, another under the same id is a 409', () => {
    given().when({ type: 'RequestTransfer', request }).then([requested]);
    given(requested).when({ type: 'RequestTransfer', request }).then([]);
    given(requested).when({ type: 'RequestTransfer', request: { ...request, transfer_id: 't2' } }).thenThrows('transfer_exists', 409);
  });
  it('the right code in time confirms; again with the right code decides nothing new (the retry moves money idempotently)', () => {
    given(requested).when(confirm(true), before).then([{ type: 'TransferConfirmed', data: { transfer_id: 't1' } }]);
    const confirmed = given(requested, { type: 'TransferConfirmed', data: { transfer_id: 't1' } });
    confirmed.when(confirm(true), before).then([]);
    confirmed.when(confirm(false), before).thenThrows('transfer_not_pending', 409);
  });
  it('wrong codes count down and the third locks; a locked transfer refuses even the right code with 423', () => {
    const history: TransferEvent[] = [requested];
    const seen: TransferEvent[][] = [];
    for (let i = 0; i < 3; i++) {
      const events = given(...history).when(confirm(false), before).events;
      seen.push(events);
      history.push(...events);
    }
    expect(seen.map((es) => es.map((e) => e.type))).to.deep.equal([['TransferOtpFailed'], ['TransferOtpFailed'], ['TransferOtpFailed', 'TransferLocked']]);
    expect(seen.map((es) => es[0]!.data)).to.deep.equal([2, 1, 0].map((n) => ({ transfer_id: 't1', attempts_left: n })));
    expect(given(...history).state.status).to.equal('locked');
    given(...history).when(confirm(true), before).thenThrows('transfer_locked', 423);
  });
  it('at or after expiry the code expires without costing an attempt, and stays expired (410)', () => {
    given(requested).when(confirm(true), { now: new Date(request.expires_at) }).then([{ type: 'TransferExpired', data: { transfer_id: 't1' } }]);
    given(requested, { type: 'TransferExpired', data: { transfer_id: 't1' } }).when(confirm(true), before).thenThrows('otp_expired', 410);
  });
  it('an unknown transfer is a 404; a failure is recorded once and only while pending or confirmed', () => {
    given().when(confirm(true), before).thenThrows('not_found', 404);
    const fail = { type: 'FailTransfer', code: 'insufficient_funds', reason: 'x' } as const;
    const failed = given(requested).when(fail).events;
    expect(failed).to.deep.equal([{ type: 'TransferFailed', data: { transfer_id: 't1', code: 'insufficient_funds', reason: 'x' } }]);
    given(requested, ...failed).when(fail).then([]);
    given(requested, { type: 'TransferLocked', data: { transfer_id: 't1' } }).when(fail).thenThrows('transfer_not_pending', 409);
  });
});

describe('transfer pricing', () => {
  it('internal pays no fee; external 1% half to even in the sender currency', () => {
    expect(priceTransfer('internal', 150_550n, 'JOD', 'JOD')).to.include({ fee: 0n, credit_amount: 150_550n, needs_otp: false });
    expect(priceTransfer('external', 150_550n, 'JOD', 'JOD').fee).to.equal(1_506n);
    expect(['49', '50', '51', '150', '250'].map((c) => priceTransfer('external', BigInt(c), 'USD', 'USD').fee)).to.deep.equal([0n, 0n, 1n, 2n, 2n]);
  });
  it('converts once, half to even, and states the exact rate', () => {
    const q = priceTransfer('internal', 33_333n, 'JOD', 'USD');
    expect(q.credit_amount).to.equal(4_700n);
    expect(q.conversion).to.include({ rate_numerator: 141n, rate_denominator: 100n, rounding: 'half_even' });
  });
  it('caps amount plus fee at the per-transfer limit; above 500 units needs a code, exactly 500 does not', () => {
    expect(codeOf(() => priceTransfer('internal', 10_000_001n, 'JOD', 'JOD'))).to.deep.equal(['limit_exceeded', 422]);
    expect(priceTransfer('internal', 10_000_000n, 'JOD', 'JOD').needs_otp).to.equal(true);
    expect(codeOf(() => priceTransfer('external', 9_901_000n, 'JOD', 'JOD'))).to.deep.equal(['limit_exceeded', 422]);
    expect(priceTransfer('internal', 50_000n, 'USD', 'USD').needs_otp).to.equal(false);
    expect(priceTransfer('internal', 50_001n, 'USD', 'USD').needs_otp).to.equal(true);
    expect(codeOf(() => priceTransfer('internal', 0n, 'JOD', 'JOD'))).to.deep.equal(['invalid_amount', 400]);
  });
});

describe('transfer parties', () => {
  const acct = (n: string, owner: string, status: AccountState['status'] = 'active'): AccountState => ({
    ...initialAccountState, exists: true, account_number: n, owner_id: owner, status,
  });
  const missing = initialAccountState;
  const cases: [string, Parameters<typeof checkParties>, [string, number] | undefined][] = [
    ['own to own, internal', ['internal', 'u', acct('A', 'u'), acct('B', 'u')], undefined],
    ["other's sender", ['internal', 'u', acct('A', 'v'), acct('B', 'u')], ['account_not_found', 404]],
    ['missing sender', ['external', 'u', missing, acct('B', 'v')], ['account_not_found', 404]],
    ["other's receiver on internal", ['internal', 'u', acct('A', 'u'), acct('B', 'v')], ['account_not_found', 404]],
    ['to another customer, external', ['external', 'u', acct('A', 'u'), acct('B', 'v')], undefined],
    ['own receiver on external', ['external', 'u', acct('A', 'u'), acct('B', 'u')], ['receiver_is_own_account', 422]],
    ["bank's account on external", ['external', 'u', acct('A', 'u'), acct('B', 'bank')], ['receiver_not_found', 404]],
    ['same account', ['internal', 'u', acct('A', 'u'), acct('A', 'u')], ['same_account', 422]],
    ['frozen sender', ['internal', 'u', acct('A', 'u', 'frozen'), acct('B', 'u')], ['account_frozen', 422]],
    ['frozen own receiver', ['internal', 'u', acct('A', 'u'), acct('B', 'u', 'frozen')], ['account_frozen', 422]],
    ["frozen other's receiver", ['external', 'u', acct('A', 'u'), acct('B', 'v', 'frozen')], ['receiver_unavailable', 422]],
  ];
  for (const [name, args, expected] of cases) {
    it(name, () => expect(codeOf(() => checkParties(...args))).to.deep.equal(expected));
  }
});
