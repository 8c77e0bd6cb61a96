import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import { bankSteps, startBank } from '../helpers/bank.js';
import { writtenHead, type RunningService } from '../helpers/service.js';
import { login, type Tokens } from '../helpers/users.js';


const ELECTRICITY_ACCOUNT = '900000000101';

describe('bills and billers (HTTP)', function () {
  this.timeout(120_000);
  let svc: RunningService;
  let alice: Tokens;
  let bob: Tokens;
  let db: pg.Client;

  let steps: ReturnType<typeof bankSteps>;

  before(async () => {
    const bank = await startBank();
    ({ svc, alice, bob } = bank);
    steps = bankSteps(bank);
    db = new pg.Client({ connectionString: svc.databaseUrl });
    await db.connect();
  });
  after(async () => {
    await db?.end();
    await svc?.stop();
  });

  const open = (token: string, body: Record<string, unknown> = {}) => steps.open(token, body);
  const fund = (account: string, amount: string) => steps.fund(account, amount);
  const pay = (token: string, body: Record<string, unknown>, key?: string) =>
    svc.api.post('/bill/', body, { token, headers: key ? { 'Idempotency-Key': key } : {} });
  const balanceOf = (token: string, account: string, position: string) => steps.balanceOf(token, account, position);
  const billerBalance = async (account: string) =>
    (await db.query(`select balance::text as b from rm.accounts where account_number = $1`, [account])).rows[0]?.b as string | undefined;

  it('lists the billers by name with their fixed JOD amounts, to signed-in callers only', async () => {
    const res = await svc.api.get('/billers/', { token: alice.access });
    expect(res.status).to.equal(200);
    expect(res.body.results.map((b: { name: string; fixed_amount: string; currency: string; category: string }) => [b.name, b.fixed_amount, b.currency, b.category])).to.deep.equal([
      ['Electricity Co', '25.000', 'JOD', 'Electricity'],
      ['Fast Internet', '30.000', 'JOD', 'Internet'],
      ['Mobile Provider', '15.000', 'JOD', 'Telecom'],
      ['Water Authority', '12.000', 'JOD', 'Water'],
    ]);
    for (const [method, path] of [['GET', '/billers/'], ['GET', '/bill/'], ['POST', '/bill/'], ['GET', `/bill/${randomUUID()}/`]] as const) {
      const body = method === 'POST' ? { biller_id: 'electricity-co', account_number: '123456789012', reference: '12345678' } : undefined;
      const anon = await svc.api.request(method, path, body);
      expect(anon.status, `${method} ${path}`).to.equal(401);
    }
  });

  it("opens every biller's bank-owned collecting account at start", async () => {
    const head = await writtenHead(svc);
    await svc.api.get(`/billers?min_position=${head}`, { token: alice.access });
    const rows = await db.query(`select account_number, owner_id, type, currency from rm.accounts where type = 'Biller' order by account_number`);
    expect(rows.rows).to.deep.equal([
      { account_number: '900000000101', owner_id: 'bank', type: 'Biller', currency: 'JOD' },
      { account_number: '900000000102', owner_id: 'bank', type: 'Biller', currency: 'JOD' },
      { account_number: '900000000103', owner_id: 'bank', type: 'Biller', currency: 'JOD' },
      { account_number: '900000000104', owner_id: 'bank', type: 'Biller', currency: 'JOD' },
    ]);
  });

  it('pays a fixed bill from a JOD account: the payer is debited, the biller credited, the payment listed', async () => {
    const account = await open(alice.access);
    await fund(account, '100.000');
    const billerBefore = BigInt((await billerBalance(ELECTRICITY_ACCOUNT)) ?? '0');
    const res = await pay(alice.access, { biller_id: 'electricity-co', account_number: account, reference: '12345678' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body).to.include({
      biller_id: 'electricity-co', biller_name: 'Electricity Co', category: 'Electricity', account_number: account, reference: '12345678',
      amount: '25.000', currency: 'JOD', credit_amount: '25.000', biller_currency: 'JOD', status: 'paid', balance_after: '75.000',
    });
    expect(res.body.fx).to.equal(null);
    expect(res.headers.get('location')).to.equal(`/bill/${res.body.id}`);
    const position = res.body.position as string;
    expect(await balanceOf(alice.access, account, position)).to.equal('75.000');
    expect(BigInt((await billerBalance(ELECTRICITY_ACCOUNT))!) - billerBefore).to.equal(25_000n);

    const statement = await svc.api.get(`/accounts/${account}/transactions?min_position=${position}`, { token: alice.access });
    expect(statement.body.results[0]).to.include({ transfer_id: res.body.id, kind: 'bill', direction: 'debit', amount: '-25.000', balance_after: '75.000', counterparty_account: ELECTRICITY_ACCOUNT });
    const credit = await db.query(`select amount::text as amount, kind from rm.account_entries where account_number = $1 and transfer_id = $2`, [ELECTRICITY_ACCOUNT, res.body.id]);
    expect(credit.rows).to.deep.equal([{ amount: '25000', kind: 'bill' }]);

    const detail = await svc.api.get(`/bill/${res.body.id}?min_position=${position}`, { token: alice.access });
    expect(detail.status).to.equal(200);
    const { balance_after: _b, position: _p, ...shown } = res.body;
    const { position: _dp, ...detailShown } = detail.body;
    expect(detailShown).to.deep.equal(shown);
    const list = await svc.api.get(`/bill?min_position=${position}`, { token: alice.access });
    expect(list.body.results.map((b: { id: string }) => b.id)).to.include(res.body.id);
  });

  it('charges a USD payer the converted bill, stating the rate, and credits the biller the JOD amount', async () => {
    const account = await open(alice.access, { type: 'USD', currency: 'USD' });
    await fund(account, '50.00');
    const wrong = await pay(alice.access, { biller_id: 'mobile-provider', account_number: account, reference: '0791234567', amount: '15.00' });
    expect(wrong.status).to.equal(422);
    expect(wrong.body.code).to.equal('amount_mismatch');
    const res = await pay(alice.access, { biller_id: 'mobile-provider', account_number: account, reference: '0791234567', amount: '21.15' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body).to.include({ amount: '21.15', currency: 'USD', credit_amount: '15.000', biller_currency: 'JOD', balance_after: '28.85' });
    expect(res.body.fx).to.include({ from: 'USD', to: 'JOD', rate_numerator: '100', rate_denominator: '141', rounding: 'half_even', source_amount: '2115' });
    expect(await balanceOf(alice.access, account, res.body.position)).to.equal('28.85');
  });

  it('replays the same Idempotency-Key and body with one debit, and refuses the key with another body', async () => {
    const account = await open(alice.access);
    await fund(account, '100.000');
    const body = { biller_id: 'water-authority', account_number: account, reference: '654321' };
    const results = await Promise.all(Array.from({ length: 6 }, () => pay(alice.access, body, 'bill-key-1')));
    for (const r of results) expect([201, 409], JSON.stringify(r.body)).to.include(r.status);
    const created = results.filter((r) => r.status === 201);
    expect(created.length).to.be.greaterThan(0);
    expect(new Set(created.map((r) => r.body.id)).size).to.equal(1);
    const again = await pay(alice.access, body, 'bill-key-1');
    expect(again.status).to.equal(201);
    expect(again.headers.get('idempotent-replayed')).to.equal('true');
    expect(again.body).to.deep.equal(created[0]!.body);
    const other = await pay(alice.access, { ...body, reference: '654322' }, 'bill-key-1');
    expect(other.status).to.equal(422);
    expect(other.body.code).to.equal('idempotency_key_reused');
    expect(await balanceOf(alice.access, account, again.body.position)).to.equal('88.000');
    const bills = await svc.api.get(`/bill?account_number=${account}&min_position=${again.body.position}`, { token: alice.access });
    expect(bills.body.results.map((b: { id: string }) => b.id)).to.deep.equal([again.body.id]);
    // The key is the caller's own: bob may use the same one for his own bill.
    const bobs = await open(bob.access);
    await fund(bobs, '20.000');
    const bobPaid = await pay(bob.access, { ...body, account_number: bobs }, 'bill-key-1');
    expect(bobPaid.status).to.equal(201);
    expect(bobPaid.body.id).to.not.equal(again.body.id);
  });

  it("answers 404 for paying from another customer's account and for another customer's bill", async () => {
    const alices = await open(alice.access);
    const funded = await fund(alices, '50.000');
    const paid = await pay(alice.access, { biller_id: 'fast-internet', account_number: alices, reference: 'CUST0042' });
    expect(paid.status).to.equal(201);
    const fromOthers = await pay(bob.access, { biller_id: 'fast-internet', account_number: alices, reference: 'CUST0042' });
    expect(fromOthers.status).to.equal(404);
    expect(fromOthers.body.code).to.equal('not_found');
    expect((await pay(bob.access, { biller_id: 'fast-internet', account_number: '123456789012', reference: 'CUST0042' })).status).to.equal(404);
    expect(await balanceOf(alice.access, alices, paid.body.position)).to.equal('20.000');
    expect(funded).to.be.a('string');
    for (const path of [`/bill/${paid.body.id}/?min_position=${paid.body.position}`, `/bill/${randomUUID()}/`, '/bill/not-a-uuid/']) {
      const res = await svc.api.get(path, { token: bob.access });
      expect(res.status, path).to.equal(404);
    }
    const bobsList = await svc.api.get(`/bill?min_position=${paid.body.position}`, { token: bob.access });
    expect(bobsList.body.results.map((b: { id: string }) => b.id)).to.not.include(paid.body.id);
    expect((await svc.api.get(`/bill/${paid.body.id}/`, { token: alice.access })).status).to.equal(200);
  });

  it('refuses bad input with 400: over-precise amount, unknown biller, bad reference, missing or extra fields', async () => {
    const account = await open(alice.access);
    await fund(account, '100.000');
    const base = { biller_id: 'electricity-co', account_number: account, reference: '12345678' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, amount: '25.0001' }, 'validation_error'],
      [{ ...base, amount: '-25' }, 'validation_error'],
      [{ ...base, amount: 25 }, 'validation_error'],
      [{ ...base, biller_id: 'gas-co' }, 'unknown_biller'],
      [{ ...base, reference: '12ab' }, 'invalid_reference'],
      [{ ...base, reference: '' }, 'validation_error'],
      [{ biller_id: 'electricity-co', account_number: account }, 'validation_error'],
      [{ biller_id: 'electricity-co', reference: '12345678' }, 'validation_error'],
      [{ account_number: account, reference: '12345678' }, 'validation_error'],
      [{ ...base, status: 'PAID' }, 'validation_error'],
    ];
    for (const [body, code] of cases) {
      const res = await pay(alice.access, body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(res.body.code, JSON.stringify(body)).to.equal(code);
    }
    // Within the contract's pattern but finer than the account's currency: refused, never rounded.
    const usd = await open(alice.access, { type: 'USD', currency: 'USD' });
    await fund(usd, '100.00');
    const cents = await pay(alice.access, { ...base, account_number: usd, amount: '35.251' });
    expect(cents.status).to.equal(400);
    expect(cents.body.code).to.equal('amount_too_precise');
    const zero = await pay(alice.access, { ...base, amount: '0' });
    expect(zero.status).to.equal(400);
    expect((await svc.api.get('/bill?limit=0', { token: alice.access })).status).to.equal(400);
    expect((await svc.api.get('/bill?cursor=bogus', { token: alice.access })).status).to.equal(400);
    const head = await writtenHead(svc);
    expect(await balanceOf(alice.access, account, head)).to.equal('100.000');
  });

  it('refuses with 422 when funds are short or the account is frozen, and leaves nothing behind', async () => {
    const account = await open(alice.access);
    const funded = await fund(account, '10.000');
    const body = { biller_id: 'electricity-co', account_number: account, reference: '12345678' };
    const short = await pay(alice.access, body, 'short-1');
    expect(short.status).to.equal(422);
    expect(short.body.code).to.equal('insufficient_funds');
    expect(await balanceOf(alice.access, account, funded)).to.equal('10.000');
    const none = await svc.api.get(`/bill?account_number=${account}`, { token: alice.access });
    expect(none.body.results).to.deep.equal([]);
    // Nothing was acknowledged, so the same key works after a top-up.
    await fund(account, '20.000');
    const retried = await pay(alice.access, body, 'short-1');
    expect(retried.status, JSON.stringify(retried.body)).to.equal(201);
    expect(retried.body.balance_after).to.equal('5.000');

    await steps.freezeBehindTheService(account);
    const frozen = await pay(alice.access, { ...body, biller_id: 'water-authority', reference: '123456' });
    expect(frozen.status).to.equal(422);
    expect(frozen.body.code).to.equal('account_frozen');
  });

  it('lists the caller\'s payments newest first in cursor pages, filtered by biller and account', async () => {
    const a1 = await open(alice.access);
    const a2 = await open(alice.access);
    await fund(a1, '200.000');
    await fund(a2, '200.000');
    const made: { id: string; position: string }[] = [];
    for (const [account, biller, reference] of [[a1, 'electricity-co', '11111111'], [a1, 'water-authority', '222222'], [a2, 'electricity-co', '33333333'], [a1, 'electricity-co', '44444444']]) {
      const res = await pay(alice.access, { biller_id: biller, account_number: account, reference });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      made.push({ id: res.body.id, position: res.body.position });
    }
    const last = made[made.length - 1]!.position;
    const first = await svc.api.get(`/bill?account_number=${a1}&limit=2&min_position=${last}`, { token: alice.access });
    expect(first.status).to.equal(200);
    expect(first.body.results.map((b: { reference: string }) => b.reference)).to.deep.equal(['44444444', '222222']);
    expect(first.body.next_cursor).to.be.a('string');
    const second = await svc.api.get(`/bill?account_number=${a1}&limit=2&cursor=${first.body.next_cursor}`, { token: alice.access });
    expect(second.body.results.map((b: { reference: string }) => b.reference)).to.deep.equal(['11111111']);
    expect(second.body.next_cursor).to.equal(null);
    const electricity = await svc.api.get(`/bill?biller_id=electricity-co&account_number=${a2}`, { token: alice.access });
    expect(electricity.body.results.map((b: { reference: string }) => b.reference)).to.deep.equal(['33333333']);
    const water = await svc.api.get(`/bill?biller_id=water-authority&account_number=${a2}`, { token: alice.access });
    expect(water.body.results).to.deep.equal([]);
  });

  it('starts again on the same database: billers are not opened twice and bills still pay', async () => {
    await svc.kill();
    await svc.restart();
    alice = await login(svc, 'alice@example.com');
    const account = await open(alice.access);
    await fund(account, '30.000');
    const res = await pay(alice.access, { biller_id: 'fast-internet', account_number: account, reference: 'ABC123' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.balance_after).to.equal('0.000');
    const opened = await db.query(`select count(*)::int as n from es.events where type = 'AccountOpened' and stream_id like 'account-9000000001%'`);
    expect(opened.rows[0].n).to.equal(4);
  });
});
