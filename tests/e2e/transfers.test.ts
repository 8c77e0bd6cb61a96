import { expect } from 'chai';
import pg from 'pg';
import { bankSteps, startBank } from '../helpers/bank.js';
import type { RunningService } from '../helpers/service.js';
import type { Tokens } from '../helpers/users.js';

const FEES_JOD = '900000000011';

describe('transfers (HTTP)', function () {
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
  const send = (kind: 'internal' | 'external', token: string, body: Record<string, unknown>, key?: string) =>
    svc.api.post(`/transfers/${kind}/`, body, { token, headers: key ? { 'Idempotency-Key': key } : {} });
  const balanceOf = (token: string, account: string, position: string) => steps.balanceOf(token, account, position);
  const ledgerBalance = async (account: string) => {
    // The sum over the account's streams: the bank's own are split into sub-streams (account-<n>.<k>).
    const rows = await db.query(
      `select coalesce(sum(b), 0)::text as b from (
         select distinct on (stream_id) (data->>'balance_after')::bigint as b from es.events
          where (stream_id = $1 or stream_id like $1 || '.%') and data ? 'balance_after' order by stream_id, revision desc) x`,
      [`account-${account}`],
    );
    return BigInt(rows.rows[0]?.b ?? '0');
  };
  // Frozen behind the service's back: the transfer must still see it.
  const freeze = (account: string) => steps.freezeBehindTheService(account);

  it('moves money between own accounts with no fee, and answers with the transfer, both balances and a position', async () => {
    const a = await open(alice.access);
    const b = await open(alice.access);
    await fund(a, '100.000');
    const res = await send('internal', alice.access, { sender_account: a, receiver_account: b, amount: '40.250' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.transfer).to.include({
      kind: 'internal', status: 'completed', sender_account: a, receiver_account: b,
      amount: '40.250', fee: '0.000', currency: 'JOD', credited_amount: '40.250', receiver_currency: 'JOD',
    });
    expect(res.body.transfer.fx).to.equal(null);
    expect(res.body.sender_balance_after).to.equal('59.750');
    expect(res.body.receiver_balance_after).to.equal('40.250');
    const position = res.body.position as string;
    expect(await balanceOf(alice.access, a, position)).to.equal('59.750');
    expect(await balanceOf(alice.access, b, position)).to.equal('40.250');
    const list = await svc.api.get(`/transfers/internal/?min_position=${position}`, { token: alice.access });
    expect(list.status).to.equal(200);
    const row = list.body.results.find((t: { id: string }) => t.id === res.body.transfer.id);
    expect(row).to.deep.include({ ...res.body.transfer, attempts_left: null, failure_code: null });
    expect((await svc.api.get(`/transfers/external?min_position=${position}`, { token: alice.access })).body.results.map((t: { id: string }) => t.id)).to.not.include(res.body.transfer.id);
  });

  it("sends to another customer's account for a 1% fee paid to the bank, never showing the receiver's balance", async () => {
    const a = await open(alice.access);
    const bobs = await open(bob.access);
    await fund(a, '300.000');
    const feesBefore = await ledgerBalance(FEES_JOD);
    const res = await send('external', alice.access, { sender_account: a, receiver_account: bobs, amount: '150.550' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    // 1% of 150.550 = 1.5055 → half to even at fils: 1.506 (150550 * 100 / 10000 = 1505.5 → 1506)
    expect(res.body.transfer).to.include({ kind: 'external', status: 'completed', amount: '150.550', fee: '1.506', credited_amount: '150.550' });
    expect(res.body.sender_balance_after).to.equal('147.944');
    expect(res.body.receiver_balance_after).to.equal(null);
    expect(res.body.transfer.receiver_balance_after).to.equal(null);
    expect(await balanceOf(bob.access, bobs, res.body.position)).to.equal('150.550');
    expect((await ledgerBalance(FEES_JOD)) - feesBefore).to.equal(1506n);
    const sent = await svc.api.get(`/transfers/external?min_position=${res.body.position}`, { token: alice.access });
    const row = sent.body.results.find((t: { id: string }) => t.id === res.body.transfer.id);
    expect(row).to.include({ status: 'completed', fee: '1.506', receiver_balance_after: null, sender_balance_after: '147.944' });
    // Received transfers are not the receiver's "sent" list, nor in his internal one.
    for (const kind of ['external', 'internal']) {
      const bobsView = await svc.api.get(`/transfers/${kind}?min_position=${res.body.position}`, { token: bob.access });
      expect(bobsView.body.results.map((t: { id: string }) => t.id)).to.not.include(res.body.transfer.id);
    }
  });

  it('converts across currencies at the reference rate, rounding once half to even, and states the rate', async () => {
    const jod = await open(alice.access);
    const usd = await open(alice.access, { type: 'USD', currency: 'USD' });
    await fund(jod, '100.000');
    const res = await send('internal', alice.access, { sender_account: jod, receiver_account: usd, amount: '33.333' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    // 33.333 JOD * 1.41 = 46.99953 USD → 47.00
    expect(res.body.transfer).to.include({ amount: '33.333', currency: 'JOD', credited_amount: '47.00', receiver_currency: 'USD' });
    expect(res.body.transfer.fx).to.deep.equal({
      from: 'JOD', to: 'USD', rate: '1.4100000000', rate_numerator: '141', rate_denominator: '100', rounding: 'half_even',
      source_amount: '33.333', converted_amount: '47.00',
    });
    expect(res.body.receiver_balance_after).to.equal('47.00');
    const back = await send('internal', alice.access, { sender_account: usd, receiver_account: jod, amount: '14.10' });
    expect(back.status).to.equal(201);
    expect(back.body.transfer).to.include({ credited_amount: '10.000', receiver_currency: 'JOD' });
    expect(back.body.transfer.fx).to.include({ rate_numerator: '100', rate_denominator: '141' });
    const tooSmall = await send('internal', alice.access, { sender_account: usd, receiver_account: jod, amount: '0.00' });
    expect(tooSmall.status).to.equal(400);
  });

  it('refuses wrong parties: foreign or unknown sender 404, foreign receiver on internal 404, unknown receiver 404, own receiver on external 422, same account 422', async () => {
    const a = await open(alice.access);
    const a2 = await open(alice.access);
    const bobs = await open(bob.access);
    await fund(a, '50.000');
    await fund(bobs, '50.000');
    const cases: [string, 'internal' | 'external', Tokens, Record<string, unknown>, number, string][] = [
      ['foreign sender', 'internal', alice, { sender_account: bobs, receiver_account: a, amount: '1' }, 404, 'account_not_found'],
      ['foreign sender (external)', 'external', alice, { sender_account: bobs, receiver_account: a2, amount: '1' }, 404, 'account_not_found'],
      ['unknown sender', 'internal', alice, { sender_account: '123456789012', receiver_account: a, amount: '1' }, 404, 'account_not_found'],
      ["other's receiver on internal", 'internal', alice, { sender_account: a, receiver_account: bobs, amount: '1' }, 404, 'account_not_found'],
      ['unknown receiver', 'external', alice, { sender_account: a, receiver_account: '123456789012', amount: '1' }, 404, 'receiver_not_found'],
      ["bank's fee account", 'external', alice, { sender_account: a, receiver_account: FEES_JOD, amount: '1' }, 404, 'receiver_not_found'],
      ['own receiver on external', 'external', alice, { sender_account: a, receiver_account: a2, amount: '1' }, 422, 'receiver_is_own_account'],
      ['same account', 'internal', alice, { sender_account: a, receiver_account: a, amount: '1' }, 422, 'same_account'],
    ];
    for (const [name, kind, who, body, status, code] of cases) {
      const res = await send(kind, who.access, body);
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).to.equal(status);
      expect(res.body.code, name).to.equal(code);
    }
    const last = await fund(a, '0.001');
    expect(await balanceOf(alice.access, a, last)).to.equal('50.001');
  });

  it('refuses bad amounts: too many decimals 400, zero 400, malformed 400, over the limit 422, more than the balance 422 (nothing moves)', async () => {
    const a = await open(alice.access);
    const b = await open(alice.access);
    const bobs = await open(bob.access);
    const usd = await open(alice.access, { type: 'USD', currency: 'USD' });
    await fund(a, '20000.000');
    await fund(usd, '10.00');
    const bad: [string, Record<string, unknown>, number, string][] = [
      ['4 decimals', { sender_account: a, receiver_account: b, amount: '1.0001' }, 400, 'validation_error'],
      ['3 decimals in USD', { sender_account: usd, receiver_account: a, amount: '1.001' }, 400, 'amount_too_precise'],
      ['zero', { sender_account: a, receiver_account: b, amount: '0' }, 400, 'invalid_amount'],
      ['negative', { sender_account: a, receiver_account: b, amount: '-5' }, 400, 'validation_error'],
      ['number', { sender_account: a, receiver_account: b, amount: 5 }, 400, 'validation_error'],
      ['missing receiver', { sender_account: a, amount: '5' }, 400, 'validation_error'],
      ['extra field', { sender_account: a, receiver_account: b, amount: '5', fee: '0' }, 400, 'validation_error'],
      ['over the limit', { sender_account: a, receiver_account: b, amount: '10000.001' }, 422, 'limit_exceeded'],
      ['insufficient', { sender_account: usd, receiver_account: a, amount: '10.01' }, 422, 'insufficient_funds'],
    ];
    for (const [name, body, status, code] of bad) {
      const res = await send('internal', alice.access, body);
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).to.equal(status);
      expect(res.body.code, name).to.equal(code);
    }
    // The fee counts toward the limit: 9901 + 99.01 fee > 10000.
    const overWithFee = await send('external', alice.access, { sender_account: a, receiver_account: bobs, amount: '9901.000' });
    expect(overWithFee.status).to.equal(422);
    expect(overWithFee.body.code).to.equal('limit_exceeded');
    const p = await fund(usd, '0.01');
    expect(await balanceOf(alice.access, usd, p)).to.equal('10.01');
    expect(await balanceOf(alice.access, a, p)).to.equal('20000.000');
    expect(await ledgerBalance(b)).to.equal(0n);
    const anon = await svc.api.post('/transfers/internal/', { sender_account: a, receiver_account: b, amount: '1' });
    expect(anon.status).to.equal(401);
    expect((await svc.api.get('/transfers/internal/')).status).to.equal(401);
    expect((await svc.api.get('/transfers/external/')).status).to.equal(401);
  });

  it('refuses frozen senders and receivers with 422, before any money moves', async () => {
    const a = await open(alice.access);
    const frozenOwn = await open(alice.access);
    const bobsFrozen = await open(bob.access);
    await fund(a, '50.000');
    await fund(frozenOwn, '50.000');
    await freeze(frozenOwn);
    await freeze(bobsFrozen);
    const fromFrozen = await send('internal', alice.access, { sender_account: frozenOwn, receiver_account: a, amount: '1' });
    expect([fromFrozen.status, fromFrozen.body.code]).to.deep.equal([422, 'account_frozen']);
    const toFrozen = await send('internal', alice.access, { sender_account: a, receiver_account: frozenOwn, amount: '1' });
    expect([toFrozen.status, toFrozen.body.code]).to.deep.equal([422, 'account_frozen']);
    const toOthersFrozen = await send('external', alice.access, { sender_account: a, receiver_account: bobsFrozen, amount: '1' });
    expect([toOthersFrozen.status, toOthersFrozen.body.code]).to.deep.equal([422, 'receiver_unavailable']);
    expect(await ledgerBalance(a)).to.equal(50_000n);
    expect(await ledgerBalance(frozenOwn)).to.equal(50_000n);
    expect(await ledgerBalance(bobsFrozen)).to.equal(0n);
  });

  it('Idempotency-Key: same key and body → same response and one movement, even racing; other body → 422; keys are per user', async () => {
    const a = await open(alice.access);
    const b = await open(alice.access);
    await fund(a, '100.000');
    const body = { sender_account: a, receiver_account: b, amount: '10.000' };
    const raced = await Promise.all(Array.from({ length: 8 }, () => send('internal', alice.access, body, 'tr-key-1')));
    for (const r of raced) expect([201, 409], JSON.stringify(r.body)).to.include(r.status);
    const created = raced.filter((r) => r.status === 201);
    expect(created.length).to.be.greaterThan(0);
    expect(new Set(created.map((r) => r.body.transfer.id)).size).to.equal(1);
    for (const r of raced.filter((x) => x.status === 409)) expect(r.body.code).to.equal('idempotency_in_progress');
    const again = await send('internal', alice.access, body, 'tr-key-1');
    expect(again.status).to.equal(201);
    expect(again.headers.get('idempotent-replayed')).to.equal('true');
    expect(again.body).to.deep.equal(created[0]!.body);
    const other = await send('internal', alice.access, { ...body, amount: '11.000' }, 'tr-key-1');
    expect([other.status, other.body.code]).to.deep.equal([422, 'idempotency_key_reused']);
    expect(await balanceOf(alice.access, a, again.body.position)).to.equal('90.000');
    expect(await balanceOf(alice.access, b, again.body.position)).to.equal('10.000');
    // Bob's same key is his own.
    const bobA = await open(bob.access);
    const bobB = await open(bob.access);
    await fund(bobA, '5.000');
    const bobs = await send('internal', bob.access, { sender_account: bobA, receiver_account: bobB, amount: '1.000' }, 'tr-key-1');
    expect(bobs.status, JSON.stringify(bobs.body)).to.equal(201);
    expect(bobs.body.transfer.id).to.not.equal(again.body.transfer.id);
    // A refused attempt does not burn the key: after a top-up the same request succeeds.
    const poor = await open(alice.access);
    const refused = await send('internal', alice.access, { sender_account: poor, receiver_account: b, amount: '3.000' }, 'tr-key-2');
    expect([refused.status, refused.body.code]).to.deep.equal([422, 'insufficient_funds']);
    await fund(poor, '3.000');
    const retried = await send('internal', alice.access, { sender_account: poor, receiver_account: b, amount: '3.000' }, 'tr-key-2');
    expect(retried.status, JSON.stringify(retried.body)).to.equal(201);
    expect(retried.body.sender_balance_after).to.equal('0.000');
  });

  it('lists with account, date and ordering filters, cursor pages, and 400 for a bad date or cursor', async () => {
    const a = await open(alice.access);
    const b = await open(alice.access);
    const c = await open(alice.access);
    await fund(a, '100.000');
    const amounts = ['5.000', '1.000', '3.000', '4.000', '2.000'];
    let position = '0';
    const ids: string[] = [];
    for (const amount of amounts) {
      const res = await send('internal', alice.access, { sender_account: a, receiver_account: b, amount });
      expect(res.status).to.equal(201);
      ids.push(res.body.transfer.id);
      position = res.body.position;
    }
    const other = await send('internal', alice.access, { sender_account: a, receiver_account: c, amount: '9.000' });
    position = other.body.position;
    const get = (q: string) => svc.api.get(`/transfers/internal?min_position=${position}&${q}`, { token: alice.access });
    const byB = await get(`account_number=${b}`);
    expect(byB.body.results.map((t: { id: string }) => t.id)).to.deep.equal([...ids].reverse());
    const byAmount = await get(`account_number=${b}&ordering=amount`);
    expect(byAmount.body.results.map((t: { amount: string }) => t.amount)).to.deep.equal(['1.000', '2.000', '3.000', '4.000', '5.000']);
    // Pages of 2 by -amount, following the cursor.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { results: { amount: string }[]; next_cursor: string | null } } = await get(`account_number=${b}&ordering=-amount&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.results.map((t) => t.amount));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).to.deep.equal(['5.000', '4.000', '3.000', '2.000', '1.000']);
    const today = new Date().toISOString().slice(0, 10);
    expect((await get(`account_number=${b}&from=${today}&to=${today}`)).body.results).to.have.length(5);
    expect((await get(`account_number=${b}&from=2000-01-01&to=2000-12-31`)).body.results).to.have.length(0);
    expect((await get(`account_number=${c}`)).body.results.map((t: { id: string }) => t.id)).to.deep.equal([other.body.transfer.id]);
    for (const q of ['from=2026-02-30', 'to=yesterday', 'from=2026-13-01', 'ordering=fee', 'cursor=bm9wZQ', 'limit=0']) {
      const res = await get(q);
      expect(res.status, q).to.equal(400);
    }
    // Bob sees none of them.
    const bobs = await svc.api.get(`/transfers/internal?min_position=${position}&account_number=${b}`, { token: bob.access });
    expect(bobs.body.results).to.deep.equal([]);
  });
});
