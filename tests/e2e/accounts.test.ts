import { expect } from 'chai';
import pg from 'pg';
import { startService, type RunningService } from '../helpers/service.js';
import { createStaff, login, registerUser, type Tokens } from '../helpers/users.js';

describe('accounts, statements and staff deposits (HTTP)', function () {
  this.timeout(120_000);
  let svc: RunningService;
  let alice: Tokens;
  let bob: Tokens;
  let staff: Tokens;

  before(async () => {
    svc = await startService();
    await registerUser(svc, 'alice@example.com');
    await registerUser(svc, 'bob@example.com');
    alice = await login(svc, 'alice@example.com');
    bob = await login(svc, 'bob@example.com');
    staff = await createStaff(svc, 'staff@example.com');
  });
  after(async () => {
    await svc?.stop();
  });

  const open = async (token: string, body: Record<string, unknown> = {}) => {
    const res = await svc.api.post('/accounts/', body, { token });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body as { account_number: string; position: string; balance: string; currency: string };
  };
  const deposit = (account: string, amount: string, key?: string, token = staff.access) =>
    svc.api.post(`/admin/accounts/${account}/deposit/`, { amount }, { token, headers: key ? { 'Idempotency-Key': key } : {} });

  it('opens an account with a zero balance and lists it once the read model caught up', async () => {
    const opened = await open(alice.access);
    expect(opened).to.include({ balance: '0.000', currency: 'JOD' });
    expect(opened.account_number).to.match(/^[1-8][0-9]{11}$/);
    const list = await svc.api.get(`/accounts?min_position=${opened.position}`, { token: alice.access });
    expect(list.status).to.equal(200);
    expect(list.body.next_cursor).to.equal(null);
    expect(list.body.results.map((a: { account_number: string }) => a.account_number)).to.include(opened.account_number);
    const usd = await open(alice.access, { type: 'USD', currency: 'USD' });
    expect(usd).to.include({ balance: '0.00', currency: 'USD' });
    const filtered = await svc.api.get(`/accounts?type=USD&min_position=${usd.position}`, { token: alice.access });
    expect(filtered.body.results.map((a: { account_number: string }) => a.account_number)).to.deep.equal([usd.account_number]);
  });

  it('refuses an opening balance, an unknown currency and anonymous callers', async () => {
    const withBalance = await svc.api.post('/accounts/', { balance: '1000.00' }, { token: alice.access });
    expect(withBalance.status).to.equal(400);
    expect(withBalance.headers.get('content-type')).to.match(/problem\+json/);
    expect((await svc.api.post('/accounts/', { currency: 'GBP' }, { token: alice.access })).status).to.equal(400);
    expect((await svc.api.post('/accounts/', {})).status).to.equal(401);
    expect((await svc.api.get('/accounts/')).status).to.equal(401);
  });

  it("answers 404 for another customer's account and its statement", async () => {
    const bobs = await open(bob.access);
    await svc.api.get(`/accounts/${bobs.account_number}?min_position=${bobs.position}`, { token: bob.access });
    for (const path of [`/accounts/${bobs.account_number}/`, `/accounts/${bobs.account_number}/transactions/`, '/accounts/123456789012/']) {
      const res = await svc.api.get(path, { token: alice.access });
      expect(res.status, path).to.equal(404);
      expect(res.body.code).to.equal('not_found');
    }
    expect((await svc.api.get(`/accounts/${bobs.account_number}/`, { token: bob.access })).status).to.equal(200);
  });

  it('lets only staff deposit, exactly in the currency precision', async () => {
    const acc = await open(alice.access);
    expect((await deposit(acc.account_number, '10.000', undefined, alice.access)).status).to.equal(403);
    const precise = await deposit(acc.account_number, '10.0001');
    expect(precise.status).to.equal(400);
    expect((await deposit(acc.account_number, '-5')).status).to.equal(400);
    expect((await deposit(acc.account_number, '0')).status).to.equal(400);
    expect((await deposit('123456789012', '5.000')).status).to.equal(404);
    const ok = await deposit(acc.account_number, '125.500');
    expect(ok.status, JSON.stringify(ok.body)).to.equal(201);
    expect(ok.body).to.include({ amount: '125.500', balance_after: '125.500', currency: 'JOD' });
    const seen = await svc.api.get(`/accounts/${acc.account_number}?min_position=${ok.body.position}`, { token: alice.access });
    expect(seen.body).to.include({ balance: '125.500', available_balance: '125.500' });
  });

  it('replays a deposit with the same Idempotency-Key once, and refuses the key with another body', async () => {
    const acc = await open(alice.access);
    const results = await Promise.all(Array.from({ length: 8 }, () => deposit(acc.account_number, '7.250', 'dep-key-1')));
    const created = results.filter((r) => r.status === 201);
    expect(created.length).to.be.greaterThan(0);
    for (const r of results) expect([201, 409]).to.include(r.status);
    const ids = new Set(created.map((r) => r.body.deposit_id));
    expect(ids.size).to.equal(1);
    const again = await deposit(acc.account_number, '7.250', 'dep-key-1');
    expect(again.status).to.equal(201);
    expect(again.body).to.deep.equal(created[0]!.body);
    const other = await deposit(acc.account_number, '8.000', 'dep-key-1');
    expect(other.status).to.equal(422);
    expect(other.body.code).to.equal('idempotency_key_reused');
    const account = await svc.api.get(`/accounts/${acc.account_number}?min_position=${again.body.position}`, { token: alice.access });
    expect(account.body.balance).to.equal('7.250');
  });

  it('pages the statement newest first with the running balance', async () => {
    const acc = await open(alice.access);
    let position = '0';
    for (const amount of ['1.000', '2.500', '3.250']) position = (await deposit(acc.account_number, amount)).body.position;
    const first = await svc.api.get(`/accounts/${acc.account_number}/transactions?limit=2&min_position=${position}`, { token: alice.access });
    expect(first.status).to.equal(200);
    expect(first.body.results.map((e: { amount: string; balance_after: string }) => [e.amount, e.balance_after])).to.deep.equal([
      ['3.250', '6.750'],
      ['2.500', '3.500'],
    ]);
    expect(first.body.results[0]).to.include({ kind: 'deposit', direction: 'credit' });
    expect(first.body.next_cursor).to.be.a('string');
    const second = await svc.api.get(`/accounts/${acc.account_number}/transactions?limit=2&cursor=${first.body.next_cursor}`, { token: alice.access });
    expect(second.body.results.map((e: { amount: string }) => e.amount)).to.deep.equal(['1.000']);
    expect(second.body.next_cursor).to.equal(null);
    expect((await svc.api.get(`/accounts/${acc.account_number}/transactions?cursor=bogus`, { token: alice.access })).status).to.equal(400);
    expect((await svc.api.get(`/accounts/${acc.account_number}/transactions?limit=0`, { token: alice.access })).status).to.equal(400);
  });

  it('orders by balance and pages statements by number, not by text', async () => {
    const nine = await open(bob.access);
    const ten = await open(bob.access);
    await deposit(nine.account_number, '9.000');
    let position = (await deposit(ten.account_number, '10.000')).body.position as string;
    const asc = await svc.api.get(`/accounts?ordering=balance&min_position=${position}`, { token: bob.access });
    const balances = asc.body.results.map((a: { balance: string }) => a.balance);
    expect(balances.indexOf('9.000')).to.be.lessThan(balances.indexOf('10.000'));
    for (let i = 0; i < 11; i++) position = (await deposit(nine.account_number, '1.000')).body.position;
    const seen: string[] = [];
    let cursor = '';
    for (let page = 0; page < 5; page++) {
      const res = await svc.api.get(`/accounts/${nine.account_number}/transactions?limit=5&min_position=${position}${cursor ? `&cursor=${cursor}` : ''}`, { token: bob.access });
      seen.push(...res.body.results.map((e: { balance_after: string }) => e.balance_after));
      if (!res.body.next_cursor) break;
      cursor = res.body.next_cursor;
    }
    expect(seen).to.deep.equal(Array.from({ length: 12 }, (_, i) => `${20 - i}.000`));
  });

  it('keeps the books balanced: every currency sums to zero with the bank cash account', async () => {
    const client = new pg.Client({ connectionString: svc.databaseUrl });
    await client.connect();
    try {
      // Every event written so far (the store's own head may lag while other transactions run).
      const head = (await client.query(`select max(position)::text as p from es.events`)).rows[0].p as string;
      expect((await svc.api.get(`/accounts?min_position=${head}`, { token: alice.access })).status).to.equal(200);
      const sums = await client.query(`select currency, sum(balance)::text as total, count(*) filter (where balance < 0 and type <> 'BankCash')::int as negative from rm.accounts group by currency`);
      expect(sums.rows.length).to.be.greaterThan(0);
      for (const row of sums.rows) expect(row, row.currency).to.include({ total: '0', negative: 0 });
      const cash = await client.query(`select balance::text as b from rm.accounts where account_number = '900000000001'`);
      expect(BigInt(cash.rows[0].b) < 0n).to.equal(true);
    } finally {
      await client.end();
    }
  });
});
