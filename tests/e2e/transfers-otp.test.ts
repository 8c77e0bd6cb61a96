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
    expect(p.mail.text).to.include('500.001 JOD').and.include('expires in 5 minutes');
    expect(await balanceOf(alice.access, a, p.body.position)).to.equal('1500.000');
    expect(await listed(alice.access, 'internal', p.id, p.body.position)).to.include({ status: 'pending_otp', attempts_left: 3, sender_balance_after: null });

    const bad = await confirm(alice.access, p.id, wrong(p.code));
    expect([bad.status, bad.body.code, bad.body.attempts_left]).to.deep.equal([400, 'invalid_otp', 2]);
    const ok = await confirm(alice.access, p.id, p.code);
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    expect(ok.body.transfer).to.include({ id: p.id, status: 'completed', amount: '500.001', fee: '0.000' });
    expect(ok.body).to.include({ sender_balance_after: '999.999', receiver_balance_after: '1000.001' });
    expect(await balanceOf(alice.access, a, ok.body.position)).to.equal('999.999');
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
    expect(await balanceOf(alice.access, a, head)).to.equal('1000.000');
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

  it('re-checks at confirmation: a sender frozen meanwhile or short of funds fails the transfer (422) and nothing moves', async () => {
    const a = await open(alice.access);
    const b = await open(alice.access);
    await fund(a, '1000.000');
    const first = await pending('internal', alice.access, 'alice@example.com', { sender_account: a, receiver_account: b, amount: '900.000' });
    const second = await pending('internal', alice.access, 'alice@example.com', { sender_account: a, receiver_account: b, amount: '900.000' });
    const ok = await confirm(alice.access, first.id, first.code);
    expect(ok.status).to.equal(200);
    const short = await confirm(alice.access, second.id, second.code);
    expect([short.status, short.body.code]).to.deep.equal([422, 'insufficient_funds']);
    const head = await sync();
    expect(await listed(alice.access, 'internal', second.id, head)).to.include({ status: 'failed', failure_code: 'insufficient_funds' });
    const after = await confirm(alice.access, second.id, second.code);
    expect([after.status, after.body.code]).to.deep.equal([409, 'transfer_not_pending']);
    expect([after.body.status, after.body.transfer_status]).to.deep.equal([409, 'failed']);
    expect(await balanceOf(alice.access, a, head)).to.equal('100.000');

    const c = await open(alice.access);
    await fund(c, '1000.000');
    const third = await pending('internal', alice.access, 'alice@example.com', { sender_account: c, receiver_account: b, amount: '600.000' });
    const store = await openPostgresEventStore(svc.databaseUrl, 1);
    try {
      await store.append(`account-${c}`, [{
        event_id: randomUUID(), type: 'AccountFrozen', data: { reason: 'e2e' },
        metadata: { correlation_id: randomUUID(), causation_id: null, actor: { user_id: null, role: 'staff', ip: null }, schema_version: 1, occurred_at: new Date().toISOString() },
      }], 'stream_exists');
    } finally {
      await store.close();
    }
    const frozen = await confirm(alice.access, third.id, third.code);
    expect([frozen.status, frozen.body.code]).to.deep.equal([422, 'account_frozen']);
    const head2 = await sync();
    expect(await balanceOf(alice.access, c, head2)).to.equal('1000.000');
    expect(await listed(alice.access, 'internal', third.id, head2)).to.include({ status: 'failed', failure_code: 'account_frozen' });
  });

  it('an expired code is a 410 and the transfer is marked expired', async () => {
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
