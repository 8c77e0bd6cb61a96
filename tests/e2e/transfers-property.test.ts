import { expect } from 'chai';
import fc from 'fast-check';
import pg from 'pg';
import type { AccountEvent } from '../../src/domain/accounts/events.js';
import { available, evolveAccount, initialAccountState } from '../../src/domain/accounts/state.js';
import { formatAmount } from '../../src/domain/money/amount.js';
import { convert } from '../../src/domain/money/fx.js';
import { majorUnits, type Currency } from '../../src/domain/money/currency.js';
import { startService, type RunningService } from '../helpers/service.js';
import { createStaff, login, registerUser, type Tokens } from '../helpers/users.js';

interface Acct {
  number: string;
  owner: 0 | 1;
  currency: Currency;
}

interface Op {
  kind: 'internal' | 'external';
  from: number;
  to: number;
  /** Minor units of the sender's currency. */
  minor: number;
}

/** A transfer above the step-up threshold (its money is held), ended as the customer chooses. */
interface HighValueOp {
  kind: 'internal' | 'external';
  from: number;
  to: number;
  /** Major units of the sender's currency (above 500), plus a fraction in minor units. */
  units: number;
  fraction: number;
  ending: 'confirm' | 'wrong-then-confirm' | 'lock' | 'expire';
  highValue: true;
}

/** Staff freezing or unfreezing one of the accounts while the transfers run. */
interface StaffOp {
  kind: 'freeze' | 'unfreeze';
  account: number;
}

const OK_REFUSALS = new Set(['insufficient_funds', 'receiver_is_own_account', 'same_account', 'account_not_found', 'amount_too_small']);
/** Refusals once accounts may be frozen; one may come after the debit (then reversed, `transfer_status`). */
const FREEZE_REFUSALS = new Set([...OK_REFUSALS, 'account_frozen', 'receiver_unavailable']);

/** Every account's last recorded balance, straight from the event table. */
async function ledgerBalances(db: pg.Client) {
  const rows = await db.query<{ account: string; currency: Currency; type: string; balance: string }>(`
    select o.data->>'account_number' as account, o.data->>'currency' as currency, o.data->>'type' as type,
           coalesce((select e.data->>'balance_after' from es.events e
                      where e.stream_id = o.stream_id and e.data ? 'balance_after' order by e.revision desc limit 1), '0') as balance
      from es.events o where o.type = 'AccountOpened'`);
  return rows.rows.map((r) => ({ ...r, balance: BigInt(r.balance) }));
}

const BANK_TYPES = ['BankCash', 'BankFees', 'BankFx', 'Biller'];

/**
 * Per currency: all balances (bank cash, FX position, fees, customers) sum to
 * zero, cash out = deposits, the FX position mirrors the stated conversions,
 * customers + fees = deposits + net FX in, and nobody but cash and FX is negative.
 */
function checkBooks(book: Awaited<ReturnType<typeof ledgerBalances>>, deposits: Map<Currency, bigint>, fxNet: Map<Currency, bigint>): void {
  for (const c of ['JOD', 'USD', 'EUR'] as Currency[]) {
    const inC = book.filter((r) => r.currency === c);
    const all = inC.reduce((s, r) => s + r.balance, 0n);
    const ofType = (t: string) => inC.filter((r) => r.type === t).reduce((sum, r) => sum + r.balance, 0n);
    const customers = inC.filter((r) => !BANK_TYPES.includes(r.type)).reduce((sum, r) => sum + r.balance, 0n);
    expect(all, `${c}: all balances sum to zero`).to.equal(0n);
    expect(-ofType('BankCash'), `${c}: cash out = deposits`).to.equal(deposits.get(c) ?? 0n);
    expect(-ofType('BankFx'), `${c}: the bank's FX position mirrors the stated conversions`).to.equal(fxNet.get(c) ?? 0n);
    expect(customers + ofType('BankFees'), `${c}: customers + fees = deposits + net FX in`).to.equal((deposits.get(c) ?? 0n) + (fxNet.get(c) ?? 0n));
    for (const r of inC) if (!['BankCash', 'BankFx'].includes(r.type)) expect(r.balance >= 0n, `${r.account} negative`).to.equal(true);
  }
}

/**
 * Random concurrent transfers among a few accounts of two customers, in two
 * currencies, all at once over HTTP. Afterwards, from the ledger itself: no
 * customer balance is negative; every account's balance is exactly what the
 * accepted transfers (as the API reported them) and deposits make it; per
 * currency all balances (bank cash, FX position, fees, customers) sum to zero,
 * the FX position mirrors the stated conversions, and customers + fees =
 * deposits + net FX into the currency, to the minor unit.
 */
describe('transfers property: random concurrent transfers never overdraw and conserve money (HTTP)', function () {
  this.timeout(600_000);
  let svc: RunningService;
  let users: Tokens[];
  let staff: Tokens;
  let db: pg.Client;
  const deposits = new Map<Currency, bigint>();
  const fxNet = new Map<Currency, bigint>();
  const add = (m: Map<Currency, bigint>, c: Currency, v: bigint) => m.set(c, (m.get(c) ?? 0n) + v);

  before(async () => {
    // Short codes, so that abandoned high-value transfers expire (and release their holds) within the test.
    svc = await startService({ TRANSFER_CODE_TTL_SECONDS: '3' });
    await registerUser(svc, 'p1@example.com');
    await registerUser(svc, 'p2@example.com');
    users = [await login(svc, 'p1@example.com'), await login(svc, 'p2@example.com')];
    staff = await createStaff(svc, 'staff@example.com');
    db = new pg.Client({ connectionString: svc.databaseUrl });
    await db.connect();
  });
  after(async () => {
    await db?.end();
    await svc?.stop();
  });

  const ledger = () => ledgerBalances(db);

  const opArb = fc.record({
    kind: fc.constantFrom('internal' as const, 'external' as const),
    from: fc.nat({ max: 4 }),
    to: fc.nat({ max: 4 }),
    // At most 500.00 USD or 50.000 JOD: below the step-up threshold, so every request settles at once.
    minor: fc.integer({ min: 1, max: 50_000 }),
  });
  const fundingArb = fc.array(fc.integer({ min: 0, max: 120_000 }), { minLength: 5, maxLength: 5 });
  let reversedSeen = 0;

  const holdsSeen = { moved: 0, locked: 0, expired: 0, late: 0 };
  /** The code mailed for a transfer (the mail names it). */
  const codeFor = async (transferId: string) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const mail = svc.mail.mails.find((m) => m.text.includes(transferId));
      if (mail) return /code is (\d{6})/.exec(mail.text)![1]!;
      if (Date.now() > deadline) throw new Error(`no code mailed for ${transferId}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  /**
   * Ends a pending transfer as `op` says. Returns the confirmation's answer when
   * the money moved, else a status-0 stand-in (nothing moved: locked, expired, or
   * confirmed too late, a 410, which only a slow machine causes).
   */
  const endHighValue = async (op: HighValueOp, pending: { transfer_id: string }, user: Tokens) => {
    const id = pending.transfer_id;
    const code = await codeFor(id);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const confirm = (otp: string) => svc.api.post('/transfers/confirm/', { transfer_id: id, otp }, { token: user.access });
    const nothing = { status: 0, body: {} as Record<string, any>, headers: new Headers() };
    if (op.ending === 'expire') {
      holdsSeen.expired++;
      return nothing;
    }
    const attempts = op.ending === 'confirm' ? [code] : op.ending === 'wrong-then-confirm' ? [wrong, code] : [wrong, wrong, wrong];
    const answers = [];
    for (const otp of attempts) answers.push(await confirm(otp));
    const last = answers[answers.length - 1]!;
    const what = `${JSON.stringify(op)} → ${answers.map((a) => `${a.status} ${JSON.stringify(a.body)}`).join(' | ')}`;
    if (answers.some((a) => a.status === 410)) {
      holdsSeen.late++;
      return nothing;
    }
    if (op.ending === 'lock') {
      expect(answers.map((a) => a.status), what).to.deep.equal([400, 400, 423]);
      holdsSeen.locked++;
      return nothing;
    }
    expect(last.status, what).to.equal(200);
    holdsSeen.moved++;
    return last;
  };
  /** The holds of the accounts' streams: open ones, and every hold's ends (posted or voided). */
  const holdsOf = async (accounts: Acct[]) => {
    const { rows } = await db.query<{ type: string; data: Record<string, unknown> }>(
      `select e.type, e.data from es.events e where e.stream_id = any($1::text[]) order by e.position`,
      [accounts.map((a) => `account-${a.number}`)],
    );
    const ends = new Map<string, number>();
    for (const r of rows) {
      const id = String(r.data.transfer_id);
      if (r.type === 'FundsHeld') ends.set(id, ends.get(id) ?? 0);
      else if (r.type === 'HoldReleased' || (r.type === 'AccountDebited' && r.data.from_reservation === true)) ends.set(id, (ends.get(id) ?? 0) + 1);
    }
    return ends;
  };
  /** Waits until every hold on the accounts has ended (the expiry process voids the abandoned ones). */
  const allHoldsEnded = async (accounts: Acct[]) => {
    const deadline = Date.now() + 30_000;
    while ([...(await holdsOf(accounts)).values()].some((n) => n === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  };
  /**
   * Every hold ended exactly once, and no customer's available balance was ever
   * below zero: the accounts' streams folded event by event by the decider.
   */
  const checkHolds = async (accounts: Acct[]) => {
    for (const [id, n] of await holdsOf(accounts)) expect(n, `hold of ${id}: ${n} ends`).to.equal(1);
    for (const a of accounts) {
      const events = await db.query<{ type: string; data: Record<string, unknown> }>(`select type, data from es.events where stream_id = $1 order by revision`, [`account-${a.number}`]);
      let state = initialAccountState;
      for (const e of events.rows) {
        state = evolveAccount(state, { type: e.type, data: e.data } as unknown as AccountEvent);
        expect(available(state) >= 0n, `${a.number} after ${e.type}: available ${available(state)}`).to.equal(true);
      }
      expect(state.holds, `${a.number} still holds money`).to.deep.equal({});
    }
  };

  /** Opens and funds five accounts, sends every request at once, then checks the ledger against the answers. */
  const runBatch = async (funding: number[], ops: (Op | HighValueOp | StaffOp)[], refusals: Set<string>) => {
    const shapes: Omit<Acct, 'number'>[] = [
      { owner: 0, currency: 'JOD' }, { owner: 0, currency: 'JOD' }, { owner: 0, currency: 'USD' },
      { owner: 1, currency: 'JOD' }, { owner: 1, currency: 'USD' },
    ];
    const accounts: Acct[] = [];
    for (const s of shapes) {
      const body = s.currency === 'USD' ? { type: 'USD', currency: 'USD' } : {};
      const res = await svc.api.post('/accounts/', body, { token: users[s.owner]!.access });
      expect(res.status).to.equal(201);
      accounts.push({ ...s, number: res.body.account_number });
    }
    const expected = new Map<string, bigint>(accounts.map((a) => [a.number, 0n]));
    for (const [i, a] of accounts.entries()) {
      const minor = BigInt(funding[i]!);
      if (minor === 0n) continue;
      const res = await svc.api.post(`/admin/accounts/${a.number}/deposit/`, { amount: formatAmount(minor, a.currency) }, { token: staff.access });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expected.set(a.number, minor);
      add(deposits, a.currency, minor);
    }
    const staffOps = ops.filter((op): op is StaffOp => op.kind === 'freeze' || op.kind === 'unfreeze');
    const transfers = ops.filter((op): op is Op | HighValueOp => op.kind === 'internal' || op.kind === 'external');
    const staffDone = Promise.all(staffOps.map(async (op) => {
      const res = await svc.api.post(`/admin/accounts/${accounts[op.account]!.number}/${op.kind}/`, { reason: 'property' }, { token: staff.access });
      expect([200, 409], JSON.stringify(res.body)).to.include(res.status);
    }));
    const results = await Promise.all(transfers.map(async (op) => {
      const from = accounts[op.from]!;
      const to = accounts[op.to]!;
      const minor = 'highValue' in op ? majorUnits(op.units, from.currency) + BigInt(op.fraction) : BigInt(op.minor);
      const body = { sender_account: from.number, receiver_account: to.number, amount: formatAmount(minor, from.currency) };
      const res = await svc.api.post(`/transfers/${op.kind}/`, body, { token: users[from.owner]!.access });
      return { op, from, to, minor, res: 'highValue' in op && res.status === 202 ? await endHighValue(op, res.body, users[from.owner]!) : res };
    }));
    await staffDone;
    if (results.some((r) => 'highValue' in r.op)) await allHoldsEnded(accounts);
    for (const { op, from, to, minor, res } of results) {
      const what = `${op.kind} ${JSON.stringify(op)} → ${res.status} ${JSON.stringify(res.body)}`;
      if (res.status === 0) continue; // a high-value transfer that ended without moving money (checked in endHighValue)
      if (res.status !== 201 && res.status !== 200) {
        expect([404, 422], what).to.include(res.status);
        expect(refusals.has(res.body.code), what).to.equal(true);
        if (res.body.transfer_status === 'reversed') reversedSeen++;
        continue;
      }
      const amount = minor;
      const fee = op.kind === 'external' ? (amount * 100n + 5_000n) / 10_000n - ((amount * 100n) % 20_000n === 5_000n ? 1n : 0n) : 0n;
      const credited = from.currency === to.currency ? amount : convert(amount, from.currency, to.currency).converted_amount;
      expect(res.body.transfer.fee, what).to.equal(formatAmount(fee, from.currency));
      expect(res.body.transfer.credited_amount, what).to.equal(formatAmount(credited, to.currency));
      expected.set(from.number, expected.get(from.number)! - amount - fee);
      expected.set(to.number, expected.get(to.number)! + credited);
      if (from.currency !== to.currency) {
        add(fxNet, from.currency, -amount);
        add(fxNet, to.currency, credited);
      }
    }
    if (results.some((r) => 'highValue' in r.op)) await checkHolds(accounts);
    const book = await ledger();
    const byNumber = new Map(book.map((r) => [r.account, r]));
    for (const a of accounts) {
      const actual = byNumber.get(a.number)!.balance;
      expect(actual >= 0n, `${a.number} went negative: ${actual}`).to.equal(true);
      expect(actual, `balance of ${a.number}`).to.equal(expected.get(a.number));
    }
    checkBooks(book, deposits, fxNet);
  };

  it('holds for random batches of concurrent internal and external transfers', async () => {
    await fc.assert(fc.asyncProperty(fundingArb, fc.array(opArb, { minLength: 5, maxLength: 30 }), (funding, ops) => runBatch(funding, ops, OK_REFUSALS)), { numRuns: 12 });
  });

  it('holds with high-value transfers: random requests, confirmations, wrong codes, expiries and spends, concurrent', async () => {
    // Mostly valid pairs (another account; internal between one owner's, external otherwise), so most requests are held.
    const owners = [0, 0, 0, 1, 1];
    const highValueArb = fc
      .record({
        from: fc.nat({ max: 4 }),
        offset: fc.integer({ min: 1, max: 4 }),
        units: fc.integer({ min: 501, max: 3_000 }),
        fraction: fc.nat({ max: 99 }),
        ending: fc.constantFrom('confirm' as const, 'wrong-then-confirm' as const, 'lock' as const, 'expire' as const),
      })
      .map(({ from, offset, ...rest }): HighValueOp => {
        const to = (from + offset) % 5;
        return { ...rest, from, to, kind: owners[from] === owners[to] ? 'internal' : 'external', highValue: true };
      });
    const bigFunding = fc.array(fc.integer({ min: 0, max: 5_000_000 }), { minLength: 5, maxLength: 5 });
    const mixed = fc.array(fc.oneof({ arbitrary: highValueArb, weight: 3 }, { arbitrary: opArb, weight: 2 }), { minLength: 4, maxLength: 16 });
    await fc.assert(fc.asyncProperty(bigFunding, mixed, (funding, ops) => runBatch(funding, ops, OK_REFUSALS)), { numRuns: 8 });
    console.log(`      high-value transfers: ${JSON.stringify(holdsSeen)}`);
    for (const k of ['moved', 'locked', 'expired'] as const) expect(holdsSeen[k], `${k}: ${JSON.stringify(holdsSeen)}`).to.be.greaterThan(0);
  });

  it('holds while staff freeze and unfreeze accounts in the middle of the transfers (refused ones move nothing)', async () => {
    const staffArb = fc.record({ kind: fc.constantFrom('freeze' as const, 'unfreeze' as const), account: fc.nat({ max: 4 }) });
    const mixed = fc.array(fc.oneof({ arbitrary: opArb, weight: 4 }, { arbitrary: staffArb, weight: 1 }), { minLength: 5, maxLength: 40 });
    reversedSeen = 0;
    await fc.assert(fc.asyncProperty(fundingArb, mixed, (funding, ops) => runBatch(funding, ops, FREEZE_REFUSALS)), { numRuns: 10 });
    console.log(`      refusals after the debit (reversed): ${reversedSeen}`);
  });
});
