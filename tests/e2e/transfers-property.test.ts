import { expect } from 'chai';
import fc from 'fast-check';
import pg from 'pg';
import { formatAmount } from '../../src/domain/money/amount.js';
import { convert } from '../../src/domain/money/fx.js';
import type { Currency } from '../../src/domain/money/currency.js';
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

/** Staff freezing or unfreezing one of the accounts while the transfers run. */
interface StaffOp {
  kind: 'freeze' | 'unfreeze';
  account: number;
}

const OK_REFUSALS = new Set(['insufficient_funds', 'receiver_is_own_account', 'same_account', 'account_not_found', 'amount_too_small']);
/** Refusals once accounts may be frozen; one may come after the debit (then reversed, `transfer_status`). */
const FREEZE_REFUSALS = new Set([...OK_REFUSALS, 'account_frozen', 'receiver_unavailable']);

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
    svc = await startService();
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

  const ledger = async () => {
    const rows = await db.query<{ account: string; currency: Currency; type: string; balance: string }>(`
      select o.data->>'account_number' as account, o.data->>'currency' as currency, o.data->>'type' as type,
             coalesce((select e.data->>'balance_after' from es.events e
                        where e.stream_id = o.stream_id and e.data ? 'balance_after' order by e.revision desc limit 1), '0') as balance
        from es.events o where o.type = 'AccountOpened'`);
    return rows.rows.map((r) => ({ ...r, balance: BigInt(r.balance) }));
  };

  const opArb = fc.record({
    kind: fc.constantFrom('internal' as const, 'external' as const),
    from: fc.nat({ max: 4 }),
    to: fc.nat({ max: 4 }),
    // At most 500.00 USD or 50.000 JOD: below the step-up threshold, so every request settles at once.
    minor: fc.integer({ min: 1, max: 50_000 }),
  });
  const fundingArb = fc.array(fc.integer({ min: 0, max: 120_000 }), { minLength: 5, maxLength: 5 });
  let reversedSeen = 0;

  /** Opens and funds five accounts, sends every request at once, then checks the ledger against the answers. */
  const runBatch = async (funding: number[], ops: (Op | StaffOp)[], refusals: Set<string>) => {
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
    const transfers = ops.filter((op): op is Op => op.kind === 'internal' || op.kind === 'external');
    const staffDone = Promise.all(staffOps.map(async (op) => {
      const res = await svc.api.post(`/admin/accounts/${accounts[op.account]!.number}/${op.kind}/`, { reason: 'property' }, { token: staff.access });
      expect([200, 409], JSON.stringify(res.body)).to.include(res.status);
    }));
    const results = await Promise.all(transfers.map((op) => {
      const from = accounts[op.from]!;
      const to = accounts[op.to]!;
      const body = { sender_account: from.number, receiver_account: to.number, amount: formatAmount(BigInt(op.minor), from.currency) };
      return svc.api.post(`/transfers/${op.kind}/`, body, { token: users[from.owner]!.access }).then((res) => ({ op, from, to, res }));
    }));
    await staffDone;
    for (const { op, from, to, res } of results) {
      const what = `${op.kind} ${JSON.stringify(op)} → ${res.status} ${JSON.stringify(res.body)}`;
      if (res.status !== 201) {
        expect([404, 422], what).to.include(res.status);
        expect(refusals.has(res.body.code), what).to.equal(true);
        if (res.body.transfer_status === 'reversed') reversedSeen++;
        continue;
      }
      const amount = BigInt(op.minor);
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
    const book = await ledger();
    const byNumber = new Map(book.map((r) => [r.account, r]));
    for (const a of accounts) {
      const actual = byNumber.get(a.number)!.balance;
      expect(actual >= 0n, `${a.number} went negative: ${actual}`).to.equal(true);
      expect(actual, `balance of ${a.number}`).to.equal(expected.get(a.number));
    }
    for (const c of ['JOD', 'USD', 'EUR'] as Currency[]) {
      const inC = book.filter((r) => r.currency === c);
      const all = inC.reduce((s, r) => s + r.balance, 0n);
      const ofType = (t: string) => inC.filter((r) => r.type === t).reduce((sum, r) => sum + r.balance, 0n);
      const customers = inC.filter((r) => !['BankCash', 'BankFees', 'BankFx', 'Biller'].includes(r.type)).reduce((sum, r) => sum + r.balance, 0n);
      expect(all, `${c}: all balances sum to zero`).to.equal(0n);
      expect(-ofType('BankCash'), `${c}: cash out = deposits`).to.equal(deposits.get(c) ?? 0n);
      expect(-ofType('BankFx'), `${c}: the bank's FX position mirrors the stated conversions`).to.equal(fxNet.get(c) ?? 0n);
      expect(customers + ofType('BankFees'), `${c}: customers + fees = deposits + net FX in`).to.equal((deposits.get(c) ?? 0n) + (fxNet.get(c) ?? 0n));
      for (const r of inC) if (!['BankCash', 'BankFx'].includes(r.type)) expect(r.balance >= 0n, `${r.account} negative`).to.equal(true);
    }
  };

  it('holds for random batches of concurrent internal and external transfers', async () => {
    await fc.assert(fc.asyncProperty(fundingArb, fc.array(opArb, { minLength: 5, maxLength: 30 }), (funding, ops) => runBatch(funding, ops, OK_REFUSALS)), { numRuns: 12 });
  });

  it('holds while staff freeze and unfreeze accounts in the middle of the transfers (refused ones move nothing)', async () => {
    const staffArb = fc.record({ kind: fc.constantFrom('freeze' as const, 'unfreeze' as const), account: fc.nat({ max: 4 }) });
    const mixed = fc.array(fc.oneof({ arbitrary: opArb, weight: 4 }, { arbitrary: staffArb, weight: 1 }), { minLength: 5, maxLength: 40 });
    reversedSeen = 0;
    await fc.assert(fc.asyncProperty(fundingArb, mixed, (funding, ops) => runBatch(funding, ops, FREEZE_REFUSALS)), { numRuns: 10 });
    console.log(`      refusals after the debit (reversed): ${reversedSeen}`);
  });
});
