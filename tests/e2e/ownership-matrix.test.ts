import { expect } from 'chai';
import { bankSteps, startBank, type BankFixture } from '../helpers/bank.js';

/**
 * Every endpoint that names a customer's resource answers 404 to another
 * customer, exactly as for a resource that does not exist, and changes nothing.
 */
describe("ownership matrix: another customer's resources are 404 everywhere (HTTP)", function () {
  this.timeout(120_000);
  let bank: BankFixture;
  let steps: ReturnType<typeof bankSteps>;
  const own: Record<string, string> = {};

  before(async () => {
    bank = await startBank();
    steps = bankSteps(bank);
    const { svc, alice } = bank;
    own.account = await steps.open(alice.access);
    own.other = await steps.open(alice.access);
    await steps.fund(own.account, '900.000');
    const card = await svc.api.post(`/accounts/${own.account}/cards/`, {}, { token: alice.access });
    expect(card.status, JSON.stringify(card.body)).to.equal(201);
    own.card = card.body.id;
    const bill = await svc.api.post('/bill/', { biller_id: 'electricity-co', account_number: own.account, reference: '12345678' }, { token: alice.access });
    expect(bill.status, JSON.stringify(bill.body)).to.equal(201);
    own.bill = bill.body.id;
    expect(own.bill).to.be.a('string');
    const pending = await svc.api.post('/transfers/internal/', { sender_account: own.account, receiver_account: own.other, amount: '600.000' }, { token: alice.access });
    expect(pending.status, JSON.stringify(pending.body)).to.equal(202);
    own.transfer = pending.body.transfer_id;
    const notes = await svc.api.get(`/notifications/?min_position=${bill.body.position}`, { token: alice.access });
    expect(notes.body.results.length).to.be.greaterThan(0);
    own.notification = notes.body.results[0].id;
  });
  after(async () => {
    await bank?.svc.stop();
  });

  it('answers 404 problem+json to the other customer on every such endpoint, and nothing changes', async () => {
    const { svc, alice, bob } = bank;
    const before = await svc.api.get(`/accounts/${own.account}/`, { token: alice.access });
    const bobs = await steps.open(bob.access);
    await steps.fund(bobs, '50.000');
    const calls: [string, string, unknown?][] = [
      ['GET', `/accounts/${own.account}/`],
      ['GET', `/accounts/${own.account}/transactions/`],
      ['GET', `/accounts/${own.account}/cards/`],
      ['POST', `/accounts/${own.account}/cards/`, {}],
      ['GET', `/cards/${own.card}/`],
      ['PATCH', `/cards/${own.card}/`, { is_active: false }],
      ['GET', `/bill/${own.bill}/`],
      ['POST', '/bill/', { biller_id: 'electricity-co', account_number: own.account, reference: '12345678' }],
      ['POST', `/notifications/${own.notification}/read/`],
      ['POST', '/transfers/confirm/', { transfer_id: own.transfer, otp: '000000' }],
      ['POST', '/transfers/internal/', { sender_account: own.account, receiver_account: bobs, amount: '1.000' }],
      ['POST', '/transfers/external/', { sender_account: own.account, receiver_account: bobs, amount: '1.000' }],
    ];
    for (const [method, path, body] of calls) {
      const res = await svc.api.request(method, path, body, { token: bob.access });
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).to.equal(404);
      expect(res.headers.get('content-type'), `${method} ${path}`).to.match(/problem\+json/);
    }
    // The owner still sees everything as it was.
    const after = await svc.api.get(`/accounts/${own.account}/`, { token: alice.access });
    expect(after.body.balance).to.equal(before.body.balance);
    const card = await svc.api.get(`/cards/${own.card}/`, { token: alice.access });
    expect(card.body.is_active).to.equal(true);
    const notes = await svc.api.get('/notifications/', { token: alice.access });
    const note = notes.body.results.find((n: { id: string }) => n.id === own.notification);
    expect(note?.is_read).to.equal(false);
    const transfer = await svc.api.post('/transfers/confirm/', { transfer_id: own.transfer, otp: '000000' }, { token: alice.access });
    expect(transfer.status, 'the owner still reaches the pending transfer').to.equal(400);
    expect(transfer.body.attempts_left, "the other customer's try cost no attempt").to.equal(2);
  });
});
