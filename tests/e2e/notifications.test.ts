import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { startService, writtenHead, type RunningService } from '../helpers/service.js';
import { createStaff, login, registerUser, type Tokens } from '../helpers/users.js';

describe('notifications (HTTP)', function () {
  this.timeout(120_000);
  let svc: RunningService;
  let alice: Tokens;
  let bob: Tokens;
  let staff: Tokens;
  let account: string;
  let head: string;

  const list = (token: string, query = '') => svc.api.get(`/notifications/?min_position=${head}${query}`, { token });

  before(async () => {
    svc = await startService();
    await registerUser(svc, 'alice@example.com');
    await registerUser(svc, 'bob@example.com');
    alice = await login(svc, 'alice@example.com');
    bob = await login(svc, 'bob@example.com');
    staff = await createStaff(svc, 'staff@example.com');
    const opened = await svc.api.post('/accounts/', {}, { token: alice.access });
    account = opened.body.account_number as string;
    for (const amount of ['10.000', '20.500', '30.250']) {
      const res = await svc.api.post(`/admin/accounts/${account}/deposit/`, { amount }, { token: staff.access });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
    }
    const card = await svc.api.post(`/accounts/${account}/cards/`, {}, { token: alice.access });
    const blocked = await svc.api.patch(`/cards/${card.body.id}/`, { is_active: false }, { token: alice.access });
    expect(blocked.status).to.equal(200);
    head = await writtenHead(svc);
  });
  after(async () => {
    await svc?.stop();
  });

  it("lists the caller's notifications newest first", async () => {
    const res = await list(alice.access);
    expect(res.status).to.equal(200);
    expect(res.body.next_cursor).to.equal(null);
    const messages = res.body.results.map((n: { message: string }) => n.message) as string[];
    expect(messages[0]).to.match(/^Card ending \d{4} was blocked\.$/);
    expect(messages.slice(1)).to.deep.equal([
      `Deposit of 30.250 JOD to account ${account}.`,
      `Deposit of 20.500 JOD to account ${account}.`,
      `Deposit of 10.000 JOD to account ${account}.`,
    ]);
    expect(res.body.results[0]).to.include({ notification_type: 'SECURITY', is_read: false, read_at: null, account_number: account });
    expect(res.body.results[1]).to.include({ notification_type: 'TRANSACTION' });
    expect((await list(bob.access)).body.results).to.deep.equal([]);
  });

  it('filters by type and pages with a cursor', async () => {
    const security = await list(alice.access, '&type=SECURITY');
    expect(security.body.results).to.have.length(1);
    const first = await list(alice.access, '&limit=3');
    expect(first.body.results).to.have.length(3);
    expect(first.body.next_cursor).to.be.a('string');
    const second = await list(alice.access, `&limit=3&cursor=${first.body.next_cursor}`);
    expect(second.body.results).to.have.length(1);
    expect(second.body.next_cursor).to.equal(null);
    expect(second.body.results[0].message).to.equal(`Deposit of 10.000 JOD to account ${account}.`);
  });

  it('refuses bad filters and cursors with 400 and anonymous callers with 401', async () => {
    for (const q of ['&type=ADMIN', '&unread_only=maybe', '&limit=abc', '&limit=0', '&cursor=bm9wZQ']) {
      const res = await list(alice.access, q);
      expect(res.status, q).to.equal(400);
      expect(res.headers.get('content-type')).to.match(/problem\+json/);
    }
    expect((await svc.api.get('/notifications/')).status).to.equal(401);
    expect((await svc.api.post(`/notifications/${randomUUID()}/read/`)).status).to.equal(401);
  });

  it('marks one read (idempotently), and the unread filter follows', async () => {
    const [newest] = (await list(alice.access)).body.results as { id: string }[];
    const read = await svc.api.post(`/notifications/${newest!.id}/read/`, undefined, { token: alice.access });
    expect(read.status, JSON.stringify(read.body)).to.equal(200);
    expect(read.body).to.include({ id: newest!.id, is_read: true });
    expect(read.body.read_at).to.be.a('string');
    const again = await svc.api.post(`/notifications/${newest!.id}/read`, undefined, { token: alice.access });
    expect(again.status).to.equal(200);
    expect(again.body.position).to.equal(read.body.position);
    const unread = await svc.api.get(`/notifications/?unread_only=TRUE&min_position=${read.body.position}`, { token: alice.access });
    expect(unread.body.results.map((n: { id: string }) => n.id)).not.to.include(newest!.id);
    expect(unread.body.results).to.have.length(3);
    const all = await svc.api.get(`/notifications/?unread_only=false&min_position=${read.body.position}`, { token: alice.access });
    expect(all.body.results[0]).to.include({ id: newest!.id, is_read: true });
  });

  it("answers 404 for another user's notification or an unknown one", async () => {
    const [, second] = (await list(alice.access)).body.results as { id: string }[];
    const res = await svc.api.post(`/notifications/${second!.id}/read/`, undefined, { token: bob.access });
    expect(res.status).to.equal(404);
    expect(res.headers.get('content-type')).to.match(/problem\+json/);
    expect((await svc.api.post(`/notifications/${randomUUID()}/read/`, undefined, { token: alice.access })).status).to.equal(404);
    expect((await svc.api.post('/notifications/42/read/', undefined, { token: alice.access })).status).to.equal(404);
    const still = await list(alice.access, '&unread_only=true');
    expect(still.body.results.map((n: { id: string }) => n.id)).to.include(second!.id);
  });
});
