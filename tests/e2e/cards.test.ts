import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import { freezeBehindTheService } from '../helpers/bank.js';
import { startService, writtenHead, type RunningService } from '../helpers/service.js';
import { login, registerUser, type Tokens } from '../helpers/users.js';


describe('cards (HTTP)', function () {
  this.timeout(120_000);
  let svc: RunningService;
  let alice: Tokens;
  let bob: Tokens;
  let aliceAccount: string;
  let bobAccount: string;
  let card: { id: string; position: string; last4: string };

  const open = async (token: string) => {
    const res = await svc.api.post('/accounts/', {}, { token });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.account_number as string;
  };

  before(async () => {
    svc = await startService();
    await registerUser(svc, 'alice@example.com');
    await registerUser(svc, 'bob@example.com');
    alice = await login(svc, 'alice@example.com');
    bob = await login(svc, 'bob@example.com');
    aliceAccount = await open(alice.access);
    bobAccount = await open(bob.access);
  });
  after(async () => {
    await svc?.stop();
  });

  it('issues a card showing only the last four digits, with default limits in the account currency', async () => {
    const res = await svc.api.post(`/accounts/${aliceAccount}/cards/`, {}, { token: alice.access });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body).to.include({ account_number: aliceAccount, card_type: 'DEBIT', brand: 'VISA', is_active: true, status: 'active', currency: 'JOD', daily_limit: '1000.000', monthly_limit: '10000.000' });
    expect(res.body.last4).to.match(/^\d{4}$/);
    expect(res.body.masked_number).to.equal(`**** **** **** ${res.body.last4}`);
    expect(JSON.stringify(res.body)).not.to.match(/\d{13,}/); // the account number has 12 digits, a card number 16
    expect(res.headers.get('location')).to.equal(`/cards/${res.body.id}`);
    const year = new Date().getUTCFullYear() + 5;
    expect(res.body.expiry_year).to.equal(year);
    expect(res.body.expiration_date).to.match(new RegExp(`^${year}-\\d{2}-(28|29|30|31)$`));
    card = { id: res.body.id, position: res.body.position, last4: res.body.last4 };
  });

  it('never stores the card number in an event', async () => {
    const client = new pg.Client({ connectionString: svc.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ data: string }>(`select data::text as data from es.events where type = 'CardIssued'`);
      expect(rows).to.have.length(1);
      const { pan_hash, ...rest } = JSON.parse(rows[0]!.data) as Record<string, unknown>;
      expect(pan_hash).to.match(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(rest)).not.to.match(/\d{13,}/);
      expect(rest).to.include({ last4: card.last4, card_id: card.id });
    } finally {
      await client.end();
    }
  });

  it('takes limits as decimal strings in the currency precision', async () => {
    const ok = await svc.api.post(`/accounts/${aliceAccount}/cards`, { card_type: 'CREDIT', daily_limit: '250.5', monthly_limit: '900' }, { token: alice.access });
    expect(ok.status, JSON.stringify(ok.body)).to.equal(201);
    expect(ok.body).to.include({ card_type: 'CREDIT', daily_limit: '250.500', monthly_limit: '900.000' });
    const precise = await svc.api.post(`/accounts/${aliceAccount}/cards`, { daily_limit: '1.0001' }, { token: alice.access });
    expect(precise.status).to.equal(400);
    expect(precise.body.code).to.equal('validation_error'); // 4 decimals fail the contract's Amount pattern
    const inverted = await svc.api.post(`/accounts/${aliceAccount}/cards`, { daily_limit: '500', monthly_limit: '100' }, { token: alice.access });
    expect(inverted.status).to.equal(422);
    expect(inverted.body.code).to.equal('invalid_card_limits');
  });

  it('refuses bad bodies with 400 and anonymous callers with 401', async () => {
    for (const body of [{ card_type: 'GOLD' }, { is_active: false }, { daily_limit: 100 }, { daily_limit: '-1' }]) {
      const res = await svc.api.post(`/accounts/${aliceAccount}/cards/`, body, { token: alice.access });
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(res.headers.get('content-type')).to.match(/problem\+json/);
    }
    expect((await svc.api.post(`/accounts/${aliceAccount}/cards/`, {})).status).to.equal(401);
    expect((await svc.api.get(`/accounts/${aliceAccount}/cards/`)).status).to.equal(401);
    expect((await svc.api.get(`/cards/${card.id}/`)).status).to.equal(401);
    expect((await svc.api.patch(`/cards/${card.id}/`, { is_active: false })).status).to.equal(401);
  });

  it('lists the account\'s cards newest first', async () => {
    const head = await writtenHead(svc);
    const res = await svc.api.get(`/accounts/${aliceAccount}/cards/?min_position=${head}`, { token: alice.access });
    expect(res.status).to.equal(200);
    expect(res.body.results).to.have.length(2);
    expect(res.body.next_cursor).to.equal(null);
    expect(res.body.results[0].card_type).to.equal('CREDIT');
    expect(res.body.results[1]).to.include({ id: card.id, last4: card.last4 });
    expect((await svc.api.get(`/accounts/${bobAccount}/cards`, { token: bob.access })).body).to.deep.equal({ results: [], next_cursor: null });
  });

  it("answers 404 for another customer's account or card, and for unknown ones", async () => {
    expect((await svc.api.get(`/accounts/${aliceAccount}/cards/`, { token: bob.access })).status).to.equal(404);
    expect((await svc.api.post(`/accounts/${aliceAccount}/cards/`, {}, { token: bob.access })).status).to.equal(404);
    expect((await svc.api.get('/accounts/123456789012/cards/', { token: alice.access })).status).to.equal(404);
    expect((await svc.api.get(`/cards/${card.id}/?min_position=${card.position}`, { token: bob.access })).status).to.equal(404);
    const patched = await svc.api.patch(`/cards/${card.id}/`, { is_active: false }, { token: bob.access });
    expect(patched.status).to.equal(404);
    expect(patched.body.code).to.equal('card_not_found');
    expect((await svc.api.get(`/cards/${randomUUID()}/`, { token: alice.access })).status).to.equal(404);
    expect((await svc.api.get('/cards/not-a-uuid/', { token: alice.access })).status).to.equal(404);
    const mine = await svc.api.get(`/cards/${card.id}?min_position=${card.position}`, { token: alice.access });
    expect(mine.status).to.equal(200);
    expect(mine.body).to.include({ id: card.id, is_active: true });
  });

  it('blocks, unblocks and changes limits; the read model follows', async () => {
    const blocked = await svc.api.patch(`/cards/${card.id}/`, { is_active: false, daily_limit: '300.250' }, { token: alice.access });
    expect(blocked.status, JSON.stringify(blocked.body)).to.equal(200);
    expect(blocked.body).to.include({ is_active: false, status: 'blocked', daily_limit: '300.250', monthly_limit: '10000.000' });
    const seen = await svc.api.get(`/cards/${card.id}/?min_position=${blocked.body.position}`, { token: alice.access });
    expect(seen.body).to.include({ is_active: false, daily_limit: '300.250' });
    const unblocked = await svc.api.patch(`/cards/${card.id}`, { is_active: true }, { token: alice.access });
    expect(unblocked.body).to.include({ is_active: true, status: 'active' });
    expect((await svc.api.patch(`/cards/${card.id}`, {}, { token: alice.access })).status).to.equal(400);
    expect((await svc.api.patch(`/cards/${card.id}`, { is_active: 'no' }, { token: alice.access })).status).to.equal(400);
    const tooHigh = await svc.api.patch(`/cards/${card.id}`, { daily_limit: '20000' }, { token: alice.access });
    expect(tooHigh.status).to.equal(422);
  });

  it('on a frozen account: blocking works, unblocking and issuing are 422 account_frozen', async () => {
    await freezeBehindTheService(svc, aliceAccount);
    const blocked = await svc.api.patch(`/cards/${card.id}/`, { is_active: false }, { token: alice.access });
    expect(blocked.status).to.equal(200);
    const unblock = await svc.api.patch(`/cards/${card.id}/`, { is_active: true }, { token: alice.access });
    expect(unblock.status).to.equal(422);
    expect(unblock.body.code).to.equal('account_frozen');
    const issue = await svc.api.post(`/accounts/${aliceAccount}/cards/`, {}, { token: alice.access });
    expect(issue.status).to.equal(422);
    expect(issue.body.code).to.equal('account_frozen');
    await freezeBehindTheService(svc, aliceAccount, 'AccountUnfrozen');
    expect((await svc.api.patch(`/cards/${card.id}/`, { is_active: true }, { token: alice.access })).status).to.equal(200);
  });

  it("cancels a card for good: 204, then status cancelled, no change or unblock accepted; another customer's card is 404", async () => {
    const issued = await svc.api.post(`/accounts/${aliceAccount}/cards/`, {}, { token: alice.access });
    expect(issued.status).to.equal(201);
    const id = issued.body.id as string;
    const foreign = await svc.api.delete(`/cards/${id}/`, undefined, { token: bob.access });
    expect(foreign.status).to.equal(404);
    expect(foreign.body.code).to.equal('card_not_found');
    expect((await svc.api.delete(`/cards/${randomUUID()}/`, undefined, { token: alice.access })).status).to.equal(404);
    expect((await svc.api.delete(`/cards/${id}/`)).status).to.equal(401);
    const cancelled = await svc.api.delete(`/cards/${id}/`, undefined, { token: alice.access });
    expect(cancelled.status, JSON.stringify(cancelled.body)).to.equal(204);
    const seen = await svc.api.get(`/cards/${id}/?min_position=${await writtenHead(svc)}`, { token: alice.access });
    expect(seen.body).to.include({ id, status: 'cancelled', is_active: false });
    for (const body of [{ is_active: true }, { is_active: false }, { daily_limit: '10' }]) {
      const refused = await svc.api.patch(`/cards/${id}/`, body, { token: alice.access });
      expect(refused.status, JSON.stringify(body)).to.equal(409);
      expect(refused.body.code).to.equal('card_cancelled');
    }
    // Cancelling again records nothing more.
    const again = await svc.api.delete(`/cards/${id}`, undefined, { token: alice.access });
    expect(again.status).to.equal(204);
    const client = new pg.Client({ connectionString: svc.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query(`select 1 from es.events where type = 'CardCancelled' and stream_id = $1`, [`card-${id}`]);
      expect(rows).to.have.length(1);
    } finally {
      await client.end();
    }
    const listed = await svc.api.get(`/accounts/${aliceAccount}/cards/?min_position=${await writtenHead(svc)}`, { token: alice.access });
    expect(listed.body.results.find((c: { id: string }) => c.id === id)).to.include({ status: 'cancelled' });
  });
});
