import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { hashOtp } from '../../src/commands/transfers/otp-code.js';
import { openPostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import { bankSteps, startBank } from '../helpers/bank.js';
import type { RunningService } from '../helpers/service.js';
import type { Tokens } from '../helpers/users.js';

const SUBJECT = /Confirm Your Transfer/;

describe('high-value transfers with an e-mailed one-time code (HTTP)', function () {
  this.timeout(120_000);
  let svc: RunningService;
  let alice: Tokens;
  let bob: Tokens;

  let steps: ReturnType<typeof bankSteps>;

  before(async () => {
    const bank = await startBank();
    ({ svc, alice, bob } = bank);
    steps = bankSteps(bank);
  });
  after(async () => {
    await svc?.stop();
  });

  const open = (token: string, body: Record<string, unknown> = {}) => steps.open(token, body);
  const fund = (account: string, amount: string) => steps.fund(account, amount);
  const send = (kind: 'internal' | 'external', token: string, body: Record<string, unknown>, key?: string) =>
    svc.api.post(`/transfers/${kind}/`, body, { token, headers: key ? { 'Idempotency-Key': key } : {} });
  const confirm = (token: string, transfer_id: string, otp: string) => svc.api.post('/transfers/confirm/', { transfer_id, otp }, { token });
  const balanceOf = (token: string, account: string, position: string) => steps.balanceOf(token, account, position);
  /** Sends a high-value transfer and reads its code from the mail it caused. */
  const pending = async (kind: 'internal' | 'external', token: string, email: string, body: Record<string, unknown>) => {
    const before = svc.mail.mails.length;
    const res = await send(kind, token, body);
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    const mail = await svc.mail.waitFor(email, SUBJECT, 10_000, before);
    const code = /code is (\d{6})/.exec(mail.text)?.[1];
    expect(code, mail.text).to.match(/^\d{6}$/);
    return { id: res.body.transfer_id as string, code: code!, body: res.body, mail };
  };
  const listed = async (token: string, kind: 'internal' | 'external', id: string, position: string) => {
    const res = await svc.api.get(`/transfers/${kind}?min_position=${position}`, { token });
    expect(res.status).to.equal(200);
    return res.body.results.find((t: { id: string }) => t.id === id);
  };
  /** A position after everything done so far: a tiny deposit to a marker account (read models apply in position order). */
  let marker = '';
  const sync = async () => {
    marker ||= await open(bob.access);
    return fund(marker, '0.001');
  };
  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  /** Balance and available balance as the read model shows them once it has applied `position`. */
  const money = async (token: string, account: string, position: string) => {
    const res = await svc.api.get(`/accounts/${account}?min_position=${position}`, { token });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return [res.body.balance as string, res.body.available_balance as string];
  };
  /** The statement's entries of one transfer, oldest first: [direction, amount, balance_after]. */
  const entriesOf = async (token: string, account: string, transferId: string, position: string) => {
    const res = await svc.api.get(`/accounts/${account}/transactions?limit=100&min_position=${position}`, { token });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return (res.body.results as { transfer_id: string; direction: string; amount: string; balance_after: string }[])
      .filter((e) => e.transfer_id === transferId).reverse().map((e) => [e.direction, e.amount, e.balance_after]);
  };

  it('above 500 holds the money until the mailed code confirms it; exactly 500 moves at once', async () => {
    const a = await open(alice.access);
    const b = await open(alice.access);
    const funded = await fund(a, '2000.000');
    const exact = await send('internal', alice.access, { sender_account: a, receiver_account: b, amount: '500.000' });
    expect(exact.status).to.equal(201);

    const p = await pending('internal', alice.access, 'alice@example.com', { sender_account: a, receiver_account: b, amount: '500.001' });
    expect(p.body).to.include({ status: 'pending_otp', attempts_left: 3 });
    const expires = Date.parse(p.body.expires_at);
    expect(expires - Date.now()).to.be.within(4 * 60_000, 5 * 60_000 + 1000);
    expect(p.mail.text).to.include('500.001 JOD').and.include('expires in 5 minutes').and.include(p.id);
    // The request holds amount + fee at once: the balance stays, the available balance drops.
    expect(await money(alice.access, a, p.body.position)).to.deep.equal(['1500.000', '999.999']);
    expect(await entriesOf(alice.access, a, p.id, p.body.position)).to.deep.equal([['hold', '-500.001', '1500.000']]);
    expect(await listed(alice.access, 'internal', p.id, p.body.position)).to.include({ status: 'pending_otp', attempts_left: 3, sender_balance_after: null });

    const bad = await confirm(alice.access, p.id, wrong(p.code));
    expect([bad.status, bad.body.code, bad.body.attempts_left]).to.deep.equal([400, 'invalid_otp', 2]);
    const ok = await confirm(alice.access, p.id, p.code);
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    expect(ok.body.transfer).to.include({ id: p.id, status: 'completed', amount: '500.001', fee: '0.000' });
    expect(ok.body).to.include({ sender_balance_after: '999.999', receiver_balance_after: '1000.001' });
    expect(await money(alice.access, a, ok.body.position)).to.deep.equal(['999.999', '999.999']);
    expect(await entriesOf(alice.access, a, p.id, ok.body.position)).to.deep.equal([['hold', '-500.001', '1500.000'], ['debit', '-500.001', '999.999']]);
    expect(await listed(alice.access, 'internal', p.id, ok.body.position)).to.include({ status: 'completed', sender_balance_after: '999.999' });
    // Confirming again reports the same transfer and moves nothing more.
    const again = await confirm(alice.access, p.id, p.code);
    expect(again.status).to.equal(200);
    expect(again.body.transfer.id).to.equal(p.id);
    expect(again.body.sender_balance_after).to.equal('999.999');
    expect(await balanceOf(alice.access, a, again.body.position)).to.equal('999.999');
    expect(funded).to.be.a('string');
  });

  it('concurrent confirmations move the money once', async () => {
    const a = await open(alice.access);
    const bobs = await open(bob.access);
    await fund(a, '1000.000');
    const p = await pending('external', alice.access, 'alice@example.com', { sender_account: a, receiver_account: bobs, amount: '600.000' });
    const results = await Promise.all(Array.from({ length: 6 }, () => confirm(alice.access, p.id, p.code)));
    for (const r of results) expect(r.status, JSON.stringify(r.body)).to.equal(200);
    const last = results.map((r) => BigInt(r.body.position as string)).reduce((x, y) => (x > y ? x : y)).toString();
    // 600 + 6.000 fee
    expect(await balanceOf(alice.access, a, last)).to.equal('394.000');
    expect(await balanceOf(bob.access, bobs, last)).to.equal('600.000');
    for (const r of results) expect(r.body.receiver_balance_after).to.equal(null);
  });

  it("three wrong codes: 400 (2 left), 400 (1 left), then 423 locked for good; another customer's transfer is a 404", async () => {
    const a = await open(alice.access);
    const b = await open(alice.access);
    await fund(a, '1000.000');
    const p = await pending('internal', alice.access, 'alice@example.com', { sender_account: a, receiver_account: b, amount: '700.000' });
    expect((await confirm(bob.access, p.id, p.code)).status).to.equal(404);
    expect((await confirm(alice.access, randomUUID(), p.code)).status).to.equal(404);
    expect((await confirm(alice.access, 'not-a-uuid', p.code)).status).to.equal(400);
    expect((await confirm(alice.access, p.id, '12345')).status).to.equal(400);
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const r = await confirm(alice.access, p.id, wrong(p.code));
      statuses.push([r.status, r.body.code, r.body.attempts_left]);
    }
    expect(statuses).to.deep.equal([[400, 'invalid_otp', 2], [400, 'invalid_otp', 1], [423, 'transfer_locked', 0]]);
    const locked = await confirm(alice.access, p.id, p.code);
    expect([locked.status, locked.body.code]).to.deep.equal([423, 'transfer_locked']);
    const head = await sync();
    // The lock gave the held money back at once.
    expect(await money(alice.access, a, head)).to.deep.equal(['1000.000', '1000.000']);
    expect(await entriesOf(alice.access, a, p.id, head)).to.deep.equal([['hold', '-700.000', '1000.000'], ['release', '700.000', '1000.000']]);
    expect(await listed(alice.access, 'internal', p.id, head)).to.include({ status: 'locked', attempts_left: 0 });
  });

  it('racing wrong codes each cost an attempt', async () => {
    const a = await open(alice.access);
    const b = await open(alice.access);
    await fund(a, '1000.000');
    const p = await pending('internal', alice.access, 'alice@example.com', { sender_account: a, receiver_account: b, amount: '800.000' });
    const raced = await Promise.all(Array.from({ length: 5 }, () => confirm(alice.access, p.id, wrong(p.code))));
    expect(raced.map((r) => r.status).sort()).to.deep.equal([400, 400, 423, 423, 423]);
    expect((await confirm(alice.access, p.id, p.code)).status).to.equal(423);
  });

  it('held money cannot be spent: a later transfer, bill or hold beyond the available balance is a 422; the confirmation then succeeds', async () => {
    const a = await open(alice.access);
    const b = await open(alice.access);
    const bobs = await open(bob.access);
    await fund(a, '1000.000');
    // 975.000 + 9.750 fee held: 15.250 left to spend.
    const p = await pending('external', alice.access, 'alice@example.com', { sender_account: a, receiver_account: bobs, amount: '975.000' });
    expect(await money(alice.access, a, p.body.position)).to.deep.equal(['1000.000', '15.250']);
    const spend = await send('internal', alice.access, { sender_account: a, receiver_account: b, amount: '15.251' });
    expect([spend.status, spend.body.code]).to.deep.equal([422, 'insufficient_funds']);
    const bill = await svc.api.post('/bill/', { biller_id: 'fast-internet', account_number: a, reference: 'NEXUS2026' }, { token: alice.access });
    expect([bill.status, bill.body.code], JSON.stringify(bill.body)).to.deep.equal([422, 'insufficient_funds']);
    const before = svc.mail.mails.length;
    const second = await send('internal', alice.access, { sender_account: a, receiver_account: b, amount: '600.000' });
    expect([second.status, second.body.code]).to.deep.equal([422, 'insufficient_funds']);
    const small = await send('internal', alice.access, { sender_account: a, receiver_account: b, amount: '15.250' });
    expect(small.status, JSON.stringify(small.body)).to.equal(201);
    const ok = await confirm(alice.access, p.id, p.code);
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    expect(ok.body.sender_balance_after).to.equal('0.000');
    expect(await money(alice.access, a, ok.body.position)).to.deep.equal(['0.000', '0.000']);
    expect(await balanceOf(bob.access, bobs, ok.body.position)).to.equal('975.000');
    // The refused second request e-mailed nothing and held nothing.
    expect(svc.mail.mails.slice(before).filter((m) => SUBJECT.test(m.subject))).to.have.length(0);
  });

  it('a sender frozen meanwhile keeps its hold; confirming then voids it (422) and gives the money back', async () => {
    const c = await open(alice.access);
    const b = await open(alice.access);
    await fund(c, '1000.000');
    const p = await pending('internal', alice.access, 'alice@example.com', { sender_account: c, receiver_account: b, amount: '600.000' });
    const frozenAt = await steps.freezeBehindTheService(c);
    expect(await money(alice.access, c, frozenAt)).to.deep.equal(['1000.000', '400.000']);
    const frozen = await confirm(alice.access, p.id, p.code);
    expect([frozen.status, frozen.body.code]).to.deep.equal([422, 'account_frozen']);
    const head = await sync();
    expect(await money(alice.access, c, head)).to.deep.equal(['1000.000', '1000.000']);
    expect(await entriesOf(alice.access, c, p.id, head)).to.deep.equal([['hold', '-600.000', '1000.000'], ['release', '600.000', '1000.000']]);
    expect(await listed(alice.access, 'internal', p.id, head)).to.include({ status: 'failed', failure_code: 'account_frozen' });
    const after = await confirm(alice.access, p.id, p.code);
    expect([after.status, after.body.code, after.body.transfer_status]).to.deep.equal([409, 'transfer_not_pending', 'failed']);
  });

  it('a receiver frozen before the confirmation voids the hold: the transfer fails (422) and nothing moves', async () => {
    const a = await open(alice.access);
    const bobs = await open(bob.access);
    await fund(a, '1000.000');
    const p = await pending('external', alice.access, 'alice@example.com', { sender_account: a, receiver_account: bobs, amount: '700.000' });
    await steps.freeze(bobs);
    const refused = await confirm(alice.access, p.id, p.code);
    expect([refused.status, refused.body.code]).to.deep.equal([422, 'receiver_unavailable']);
    const head = await sync();
    expect(await money(alice.access, a, head)).to.deep.equal(['1000.000', '1000.000']);
    expect(await listed(alice.access, 'external', p.id, head)).to.include({ status: 'failed', failure_code: 'receiver_unavailable' });
  });

  it('a transfer recorded without a hold (before holds existed) still expires with a 410 at its confirmation', async () => {
    const a = await open(alice.access);
    const b = await open(alice.access);
    await fund(a, '1000.000');
    const p = await pending('internal', alice.access, 'alice@example.com', { sender_account: a, receiver_account: b, amount: '650.000' });
    // Five minutes cannot pass in a test: record the same request again under a new id, already expired.
    const store = await openPostgresEventStore(svc.databaseUrl, 1);
    const id = randomUUID();
    try {
      const [original] = await store.readStream(`transfer-${p.id}`, { max: 1 });
      await store.append(`transfer-${id}`, [{
        event_id: randomUUID(), type: 'TransferRequested',
        data: { ...original!.data, transfer_id: id, otp_hash: await hashOtp('123456'), expires_at: new Date(Date.now() - 1000).toISOString() },
        metadata: original!.metadata,
      }], 'no_stream');
    } finally {
      await store.close();
    }
    const late = await confirm(alice.access, id, '123456');
    expect([late.status, late.body.code]).to.deep.equal([410, 'otp_expired']);
    expect((await confirm(alice.access, id, '123456')).status).to.equal(410);
    const head = await sync();
    expect(await listed(alice.access, 'internal', id, head)).to.include({ status: 'expired' });
    expect(await balanceOf(alice.access, a, head)).to.equal('1000.000');
  });

  it('replays a high-value request with the same Idempotency-Key: same 202, one mail, one pending transfer', async () => {
    const a = await open(alice.access);
    const b = await open(alice.access);
    await fund(a, '1000.000');
    const body = { sender_account: a, receiver_account: b, amount: '750.000' };
    const before = svc.mail.mails.length;
    const first = await send('internal', alice.access, body, 'otp-key-1');
    expect(first.status).to.equal(202);
    const again = await send('internal', alice.access, body, 'otp-key-1');
    expect(again.status).to.equal(202);
    expect(again.body).to.deep.equal(first.body);
    await svc.mail.waitFor('alice@example.com', SUBJECT, 10_000, before);
    await new Promise((r) => setTimeout(r, 300));
    expect(svc.mail.mails.slice(before).filter((m) => SUBJECT.test(m.subject))).to.have.length(1);
  });
});

describe('holds of high-value transfers run out with their code (HTTP, 2 s codes)', function () {
  this.timeout(120_000);
  let bank: Awaited<ReturnType<typeof startBank>>;
  let steps: ReturnType<typeof bankSteps>;

  before(async () => {
    bank = await startBank({ TRANSFER_CODE_TTL_SECONDS: '2' });
    steps = bankSteps(bank);
  });
  after(async () => {
    await bank?.svc.stop();
  });

  const request = async (from: string, to: string, amount: string) => {
    const res = await bank.svc.api.post('/transfers/internal/', { sender_account: from, receiver_account: to, amount }, { token: bank.alice.access });
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    const mail = await bank.svc.mail.waitFor('alice@example.com', new RegExp(SUBJECT.source), 10_000);
    expect(mail.text).to.include('expires in 2 seconds');
    return res.body as { transfer_id: string; position: string; expires_at: string };
  };
  const account = async (n: string, position = '0') => {
    const res = await bank.svc.api.get(`/accounts/${n}?min_position=${position}`, { token: bank.alice.access });
    expect(res.status).to.equal(200);
    return res.body as { balance: string; available_balance: string };
  };
  const transferStatus = async (id: string) => {
    const res = await bank.svc.api.get('/transfers/internal/?limit=100', { token: bank.alice.access });
    return (res.body.results as { id: string; status: string }[]).find((t) => t.id === id)?.status;
  };

  it('the hold expiry process expires a transfer nobody confirms and gives the money back, with no request', async () => {
    const a = await steps.open(bank.alice.access);
    const b = await steps.open(bank.alice.access);
    await steps.fund(a, '1000.000');
    const p = await request(a, b, '800.000');
    expect(await account(a, p.position)).to.include({ balance: '1000.000', available_balance: '200.000' });
    const deadline = Date.now() + 20_000;
    while ((await account(a)).available_balance !== '1000.000' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await account(a)).to.include({ balance: '1000.000', available_balance: '1000.000' });
    // Released no earlier than its expiry.
    expect(Date.now()).to.be.at.least(Date.parse(p.expires_at));
    while ((await transferStatus(p.transfer_id)) !== 'expired' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await transferStatus(p.transfer_id)).to.equal('expired');
    const late = await bank.svc.api.post('/transfers/confirm/', { transfer_id: p.transfer_id, otp: '000000' }, { token: bank.alice.access });
    expect([late.status, late.body.code]).to.deep.equal([410, 'otp_expired']);
  });

  it('a confirmation after the code ran out is a 410 and releases the hold itself', async () => {
    const a = await steps.open(bank.alice.access);
    const b = await steps.open(bank.alice.access);
    await steps.fund(a, '1000.000');
    const before = bank.svc.mail.mails.length;
    const p = await request(a, b, '900.000');
    const mail = await bank.svc.mail.waitFor('alice@example.com', SUBJECT, 10_000, before);
    const code = /code is (\d{6})/.exec(mail.text)![1]!;
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(p.expires_at) - Date.now()) + 100));
    const late = await bank.svc.api.post('/transfers/confirm/', { transfer_id: p.transfer_id, otp: code }, { token: bank.alice.access });
    expect([late.status, late.body.code]).to.deep.equal([410, 'otp_expired']);
    expect(await account(a, String(late.body.position ?? '0'))).to.include({ balance: '1000.000' });
    const deadline = Date.now() + 10_000;
    while ((await account(a)).available_balance !== '1000.000' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await account(a)).to.include({ balance: '1000.000', available_balance: '1000.000' });
  });
});
