import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { pruneIdempotencyKeys } from '../../src/commands/shared/idempotency-pruning.js';
import { postgresDb } from '../../src/infra/db.js';
import { bankSteps, startBank, type BankFixture } from '../helpers/bank.js';
import { expectConforms } from '../helpers/contract.js';

describe('Idempotency-Key on every authenticated command, kept 24 hours (HTTP)', function () {
  this.timeout(120_000);
  let bank: BankFixture;

  before(async () => {
    bank = await startBank();
  });
  after(async () => {
    await bank?.svc.stop();
  });

  const post = (path: string, body: object, token: string, key?: string) =>
    bank.svc.api.post(path, body, { token, headers: key ? { 'Idempotency-Key': key } : {} });

  it('opens one account for two requests with one key, and says the second answer is a replay', async () => {
    const key = randomUUID();
    const first = await post('/accounts/', { currency: 'USD' }, bank.alice.access, key);
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    expect(first.headers.get('idempotent-replayed')).to.equal(null);
    const again = await post('/accounts/', { currency: 'USD' }, bank.alice.access, key);
    expect(again.status).to.equal(201);
    expect(again.headers.get('idempotent-replayed')).to.equal('true');
    expectConforms('POST', '/accounts', again);
    expect(again.body.account_number).to.equal(first.body.account_number);
    const listed = await bank.svc.api.get(`/accounts?min_position=${first.body.position}`, { token: bank.alice.access });
    const usd = listed.body.results.filter((a: { currency: string }) => a.currency === 'USD');
    expect(usd).to.have.length(1);
  });

  it('refuses the key with another body (422), and keeps keys apart per user', async () => {
    const key = randomUUID();
    expect((await post('/accounts/', { currency: 'EUR' }, bank.alice.access, key)).status).to.equal(201);
    const other = await post('/accounts/', { currency: 'JOD' }, bank.alice.access, key);
    expect(other.status).to.equal(422);
    expect(other.body.code).to.equal('idempotency_key_reused');
    const bobs = await post('/accounts/', { currency: 'EUR' }, bank.bob.access, key);
    expect(bobs.status).to.equal(201);
    expect(bobs.headers.get('idempotent-replayed')).to.equal(null);
  });

  it('issues one card for a retried card request', async () => {
    const account = await bankSteps(bank).open(bank.alice.access);
    const key = randomUUID();
    const first = await post(`/accounts/${account}/cards/`, { card_type: 'DEBIT' }, bank.alice.access, key);
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    const again = await post(`/accounts/${account}/cards/`, { card_type: 'DEBIT' }, bank.alice.access, key);
    expect(again.body.id).to.equal(first.body.id);
    const cards = await bank.svc.api.get(`/accounts/${account}/cards/?min_position=${first.body.position}`, { token: bank.alice.access });
    expect(cards.body.results.length).to.equal(1);
  });

  it('keeps no refusal: a key first refused runs again once the refusal no longer holds', async () => {
    const steps = bankSteps(bank);
    const account = await steps.open(bank.bob.access);
    await steps.freeze(account);
    const key = randomUUID();
    const refused = await post(`/admin/accounts/${account}/freeze/`, { reason: 'again' }, bank.staff.access, key);
    expect(refused.status).to.be.within(400, 499);
    await steps.freeze(account, 'unfreeze');
    const ran = await post(`/admin/accounts/${account}/freeze/`, { reason: 'again' }, bank.staff.access, key);
    expect(ran.status, JSON.stringify(ran.body)).to.equal(200);
    expect(ran.headers.get('idempotent-replayed')).to.equal(null);
  });

  it('takes no key on anonymous requests (a stored answer could hand tokens to whoever guesses the key)', async () => {
    const key = randomUUID();
    const a = await bank.svc.api.post('/auth/users/', { email: `anon-a-${key}@example.com`, password: 'Corr3ct-horse-battery' }, { headers: { 'Idempotency-Key': key } });
    const b = await bank.svc.api.post('/auth/users/', { email: `anon-b-${key}@example.com`, password: 'Corr3ct-horse-battery' }, { headers: { 'Idempotency-Key': key } });
    expect([a.status, b.status]).to.deep.equal([201, 201]);
    expect(b.body.id).to.not.equal(a.body.id);
  });

  /** What a database crash within the flush interval would leave: the command's events, no record of its key. */
  const loseRecord = async (key: string) => {
    const db = postgresDb(bank.svc.databaseUrl, 1);
    try {
      expect((await db.query(`delete from cmd.idempotency_keys where key = $1 returning 1 as gone`, [key])).length).to.equal(1);
    } finally {
      await db.end();
    }
  };

  for (const [what, path, command] of [
    ['transfer', '/transfers/internal/', (from: string, to: string) => ({ sender_account: from, receiver_account: to, amount: '12.345' })],
    ['bill payment', '/bill/', (from: string) => ({ biller_id: 'electricity-co', account_number: from, reference: '12345678' })],
  ] as const) {
    it(`answers a retried ${what} from its stored events when its record was lost (it commits without awaiting the flush)`, async () => {
      const steps = bankSteps(bank);
      const from = await steps.open(bank.alice.access);
      const to = await steps.open(bank.alice.access);
      await steps.fund(from, '100.000');
      const key = randomUUID();
      const first = await post(path, command(from, to), bank.alice.access, key);
      expect(first.status, JSON.stringify(first.body)).to.equal(201);
      await loseRecord(key);
      const later = await post('/transfers/internal/', { sender_account: from, receiver_account: to, amount: '1.000' }, bank.alice.access, randomUUID());
      expect(later.status, JSON.stringify(later.body)).to.equal(201);
      const again = await post(path, command(from, to), bank.alice.access, key);
      expect(again.status, JSON.stringify(again.body)).to.equal(201);
      expect(again.body, 'the first answer, balances as they were then').to.deep.equal(first.body);
      const spent = 100_000 - Math.round(Number(first.body.transfer?.amount ?? first.body.amount) * 1000) - 1_000;
      expect(await steps.balanceOf(bank.alice.access, from, later.body.position), 'debited once').to.equal((spent / 1000).toFixed(3));
    });
  }

  it('prunes keys older than the retention, and keeps recent ones', async () => {
    const db = postgresDb(bank.svc.databaseUrl, 1);
    try {
      await db.query(
        `insert into cmd.idempotency_keys (user_id, scope, key, fingerprint, state, status, response, lease_until, created_at)
         values ('u', 'POST /accounts', 'old', 'f', 'done', 201, '{}', now() - interval '25 hours', now() - interval '25 hours'),
                ('u', 'POST /accounts', 'new', 'f', 'done', 201, '{}', now() - interval '1 hour', now() - interval '1 hour')`,
      );
      expect(await pruneIdempotencyKeys(db, 24)).to.be.at.least(1);
      const left = await db.query<{ key: string }>(`select key from cmd.idempotency_keys where user_id = 'u' order by key`);
      expect(left.map((r) => r.key)).to.deep.equal(['new']);
    } finally {
      await db.end();
    }
  });
});
