import { expect } from 'chai';
import type { AccountCommand } from '../../../src/domain/accounts/commands.js';
import { accountDecider } from '../../../src/domain/accounts/decider.js';
import type { AccountEvent, AccountType } from '../../../src/domain/accounts/events.js';
import type { AccountState } from '../../../src/domain/accounts/state.js';
import { parseAsOf } from '../../../src/domain/audit/as-of.js';
import { replayBalance, type LedgerEntry } from '../../../src/domain/audit/balance-as-of.js';
import { DomainError } from '../../../src/domain/shared/domain-error.js';

const ACC = '100000000017';

/**
 * A pseudo-random (seeded) history made by the real decider, with the state
 * after every event: deposits, credits, debits, reversals, holds placed,
 * posted and released, and (on the bank's FX position account) FX postings
 * either way.
 */
function history(seed: number, n: number, type: AccountType = 'Basic'): { entries: LedgerEntry[]; states: AccountState[] } {
  let x = seed;
  // The high bits of the LCG: its low bits repeat with a short period.
  const rnd = (m: number) => ((x = (x * 1103515245 + 12345) % 2 ** 31), Math.floor((x / 2 ** 31) * m));
  let state = accountDecider.initialState;
  const entries: LedgerEntry[] = [];
  const states: AccountState[] = [];
  let position = 10n;
  const push = (events: AccountEvent[]) => {
    for (const event of events) {
      state = accountDecider.evolve(state, event);
      position += BigInt(1 + rnd(5));
      entries.push({ revision: BigInt(entries.length), position, occurred_at: new Date(Date.UTC(2026, 0, 1) + entries.length * 60_000).toISOString(), event });
      states.push(state);
    }
  };
  push(accountDecider.decide({ type: 'OpenAccount', account_number: ACC, owner_id: type === 'BankFx' ? 'bank' : 'u1', account_type: type, currency: 'JOD' }, state, { now: new Date(Date.UTC(2026, 0, 1)) }));
  const terms = (id: string, amount: bigint, fee: bigint) => ({
    transfer_id: id, kind: 'external' as const, amount, fee, counterparty_account: '200000000015', credit_amount: amount, fx: null, fee_account: '900000000011',
  });
  for (let i = 0; i < n; i++) {
    const amount = BigInt(1 + rnd(50_000));
    const fee = BigInt(rnd(500));
    const id = `t${i}`;
    const open = Object.keys(state.holds);
    const someHold = open[rnd(Math.max(open.length, 1))];
    const choice = rnd(type === 'BankFx' ? 2 : 10);
    const cmd: AccountCommand =
      type === 'BankFx' ? { type: 'PostFxPosition', transfer_id: id, kind: 'external', amount: choice === 0 ? amount : -amount }
      : choice === 0 ? { type: 'DepositFunds', deposit_id: id, amount, reference: '' }
      : choice === 1 ? { type: 'CreditAccount', transfer_id: id, kind: 'internal', amount, counterparty_account: '200000000015', fx: null }
      : choice === 2 ? { type: 'ReverseDebit', transfer_id: id, amount, reason: 'receiver_closed' }
      : choice === 3 ? { type: 'HoldFunds', transfer_id: id, kind: 'external', amount, fee, counterparty_account: '200000000015', expires_at: '2026-01-01T00:05:00Z' }
      : choice === 4 && someHold ? { type: 'PostHold', ...terms(someHold, state.holds[someHold]!.total, 0n) }
      : choice === 5 && someHold ? { type: 'ReleaseHold', transfer_id: someHold, reason: 'expired' }
      : choice === 6 && rnd(3) === 0 ? { type: state.status === 'active' ? 'FreezeAccount' : 'UnfreezeAccount', reason: '' }
      : { type: 'DebitAccount', ...terms(id, amount, fee) };
    try {
      push(accountDecider.decide(cmd, state, { now: new Date(Date.UTC(2026, 0, 1)) }));
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
    }
  }
  return { entries, states };
}

const heldOf = (s: AccountState) => Object.values(s.holds).reduce((sum, h) => sum + h.total, 0n);

describe('audit: balance as of a position or an instant (pure replay)', () => {
  const { entries, states } = history(42, 400);

  it('equals the decider state (balance, held, status) after every prefix, by position', () => {
    expect(entries.length).to.be.greaterThan(150);
    const types = new Set(entries.map((e) => e.event.type));
    for (const t of ['FundsHeld', 'HoldReleased', 'AccountDebited', 'AccountFrozen']) expect(types.has(t as AccountEvent['type']), t).to.equal(true);
    expect(entries.some((e) => e.event.type === 'AccountDebited' && e.event.data.from_reservation)).to.equal(true);
    for (let i = 0; i < entries.length; i++) {
      const { replay } = replayBalance(ACC, entries, { kind: 'position', position: entries[i]!.position });
      expect(replay.balance, `after revision ${i}`).to.equal(states[i]!.balance);
      expect(replay.held, `held after revision ${i}`).to.equal(heldOf(states[i]!));
      expect(replay.status).to.equal(states[i]!.status);
      expect(replay.last_revision).to.equal(BigInt(i));
      expect(replay.discrepancies).to.deep.equal([]);
    }
  });

  it("replays the bank's FX position account (postings either way) without a discrepancy", () => {
    const fx = history(7, 60, 'BankFx');
    expect(fx.entries.filter((e) => e.event.type === 'FxPositionPosted').length).to.be.greaterThan(40);
    const { replay } = replayBalance(ACC, fx.entries, { kind: 'position', position: fx.entries[fx.entries.length - 1]!.position });
    expect(replay.discrepancies).to.deep.equal([]);
    expect(replay.balance).to.equal(fx.states[fx.states.length - 1]!.balance);
    expect(replay.balance).to.not.equal(0n);
  });

  it('counts positions between two events as the earlier one, and before the opening as no account', () => {
    const i = 40;
    const between = entries[i]!.position + 1n < entries[i + 1]!.position ? entries[i]!.position + 1n : entries[i]!.position;
    expect(replayBalance(ACC, entries, { kind: 'position', position: between }).replay.balance).to.equal(states[i]!.balance);
    const before = replayBalance(ACC, entries, { kind: 'position', position: 1n });
    expect(before.replay).to.include({ exists: false, balance: 0n, events_applied: 0 });
    expect(before.reachedEnd).to.equal(true);
  });

  it('folds by instant on the hashed occurred_at', () => {
    const i = 77;
    const at = new Date(Date.parse(entries[i]!.occurred_at) + 30_000);
    const { replay } = replayBalance(ACC, entries, { kind: 'time', at });
    expect(replay.balance).to.equal(states[i]!.balance);
    expect(replay.held).to.equal(heldOf(states[i]!));
  });

  it('sums the movements itself and reports a balance_after that does not add up', () => {
    const tampered = entries.map((e) => ({ ...e }));
    const k = tampered.findIndex((e, idx) => idx > 10 && e.event.type === 'FundsDeposited');
    const ev = tampered[k]!.event as Extract<AccountEvent, { type: 'FundsDeposited' }>;
    tampered[k] = { ...tampered[k]!, event: { ...ev, data: { ...ev.data, balance_after: (BigInt(ev.data.balance_after) + 1000n).toString() } } };
    const { replay } = replayBalance(ACC, tampered, { kind: 'position', position: tampered[tampered.length - 1]!.position });
    expect(replay.balance).to.equal(states[states.length - 1]!.balance);
    expect(replay.discrepancies.map((d) => [d.revision, d.recorded - d.computed])).to.deep.equal([[BigInt(k), 1000n]]);
  });

  it('parses as_of as digits (a position) or an ISO instant, and refuses the rest', () => {
    expect(parseAsOf('120')).to.deep.equal({ kind: 'position', position: 120n });
    expect(parseAsOf('2026-01-01T10:00:00+02:00')).to.deep.equal({ kind: 'time', at: new Date('2026-01-01T08:00:00Z') });
    expect(parseAsOf('2026-01-02').kind).to.equal('time');
    for (const bad of ['', 'yesterday', '-1', '2026-13-45T00:00:00Z', '12.5', '2026-01-01T10:00:00']) {
      expect(() => parseAsOf(bad), bad).to.throw(DomainError);
    }
  });
});
