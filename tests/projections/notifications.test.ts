import { expect } from 'chai';
import { systemContext } from '../../src/commands/shared/command-context.js';
import { notificationsPage, ownedNotification } from '../../src/projections/notifications/notification-queries.js';
import { markNotificationRead } from '../../src/commands/notifications/mark-notification-read.js';
import { notificationId, notificationsProjection } from '../../src/projections/notifications/notifications-projection.js';
import { rebuildProjection } from '../../src/projections/runtime/rebuild.js';
import { asNew, projectionBench } from '../unit/cards/support/projection-bench.js';

const A = '100000000017'; // u1, JOD
const B = '200000000015'; // u2, USD
const CASH = '900000000001'; // the bank's

const opened = (account_number: string, owner_id: string, currency: string, type = 'Basic') =>
  ({ type: 'AccountOpened', data: { account_number, owner_id, currency, type } });
const debited = (transfer_id: string, kind: string, amount: string, fee: string, counterparty_account: string) => ({
  type: 'AccountDebited',
  data: { transfer_id, kind, amount, fee, counterparty_account, credit_amount: amount, fx: null, fee_account: null, from_reservation: false, balance_after: '0' },
});
const credited = (transfer_id: string, kind: string, amount: string, counterparty_account: string) => ({
  type: 'AccountCredited', data: { transfer_id, kind, amount, counterparty_account, fx: null, balance_after: '0' },
});

describe('notifications projection (PostgreSQL)', function () {
  this.timeout(60_000);
  let bench: Awaited<ReturnType<typeof projectionBench>>;
  const messagesOf = async (user: string) =>
    (await notificationsPage(bench.db, user, { unreadOnly: false, limit: 100 })).map((r) => r.message);

  before(async () => {
    bench = await projectionBench(notificationsProjection);
    await bench.append(`account-${A}`, [opened(A, 'u1', 'JOD')]);
    await bench.append(`account-${B}`, [opened(B, 'u2', 'USD')]);
    await bench.append(`account-${CASH}`, [opened(CASH, 'bank', 'JOD', 'BankCash')]);
    // A deposit: the bank's cash account is debited (nobody to tell), u1 is credited.
    await bench.append(`account-${CASH}`, [debited('d1', 'deposit', '100000', '0', A)]);
    await bench.append(`account-${A}`, [credited('d1', 'deposit', '100000', CASH)]);
    // u1 sends 50 JOD (fee 0.500) to u2, who receives 70.50 USD.
    await bench.append(`account-${A}`, [debited('t1', 'external', '50000', '500', B)]);
    await bench.append(`account-${B}`, [credited('t1', 'external', '7050', A)]);
    await bench.append(`account-${B}`, [{ type: 'AccountFrozen', data: { reason: 'staff' } }]);
    await bench.append('card-c0ffee00-0000-4000-8000-000000000001', [{
      type: 'CardIssued',
      data: { card_id: 'c0ffee00-0000-4000-8000-000000000001', account_number: A, owner_id: 'u1', card_type: 'DEBIT', brand: 'VISA', last4: '4242', pan_hash: 'f'.repeat(64), expiry_year: 2030, expiry_month: 1, currency: 'JOD', daily_limit: '1', monthly_limit: '2', issued_at: '2025-01-01T00:00:00Z' },
    }]);
    await bench.append('card-c0ffee00-0000-4000-8000-000000000001', [{ type: 'CardBlocked', data: { reason: 'lost' } }]);
    await bench.append(`account-${A}`, [{ type: 'DebitReversed', data: { transfer_id: 't2', amount: '1500', reason: 'receiver_frozen', balance_after: '0' } }]);
  });
  after(async () => {
    await bench?.close();
  });

  it('tells each owner about money in and out, in their account\'s currency, newest first', async () => {
    expect(await messagesOf('u1')).to.deep.equal([
      `1.500 JOD returned to account ${A}: the transfer could not be completed.`,
      'Card ending 4242 was blocked.',
      `Sent 50.000 JOD to account ${B} (fee 0.500 JOD).`,
      `Deposit of 100.000 JOD to account ${A}.`,
    ]);
    expect(await messagesOf('u2')).to.deep.equal([`Account ${B} was frozen.`, `Received 70.50 USD from account ${A}.`]);
    expect(await messagesOf('bank')).to.deep.equal([]);
  });

  it('types and links each notification', async () => {
    const rows = (await notificationsPage(bench.db, 'u2', { unreadOnly: false, limit: 10 }));
    expect(rows[0]).to.include({ notification_type: 'SECURITY', account_number: B, related_transfer_id: null, read_at: null });
    expect(rows[1]).to.include({ notification_type: 'TRANSACTION', account_number: B, related_transfer_id: 't1' });
    const security = await notificationsPage(bench.db, 'u1', { unreadOnly: false, type: 'SECURITY', limit: 10 });
    expect(security.map((r) => r.card_id)).to.deep.equal(['c0ffee00-0000-4000-8000-000000000001']);
  });

  it('pages with a cursor through every row exactly once', async () => {
    const all = (await notificationsPage(bench.db, 'u1', { unreadOnly: false, limit: 100 })).map((r) => r.id);
    const seen: string[] = [];
    let before: bigint | undefined;
    for (;;) {
      const rows = await notificationsPage(bench.db, 'u1', { unreadOnly: false, limit: 3, ...(before !== undefined ? { before } : {}) });
      const page = rows.slice(0, 3);
      seen.push(...page.map((r) => r.id));
      if (rows.length <= 3) break;
      before = BigInt(page[page.length - 1]!.position);
    }
    expect(seen).to.deep.equal(all);
    expect(seen).to.have.length(4);
  });

  it('marks read through a NotificationRead event, only for its owner, idempotently', async () => {
    const [newest] = (await notificationsPage(bench.db, 'u2', { unreadOnly: false, limit: 1 }));
    const ctx = systemContext('test');
    const first = await markNotificationRead(bench.store, ctx, 'u2', newest!.id);
    const again = await markNotificationRead(bench.store, ctx, 'u2', newest!.id);
    expect(again.duplicate).to.equal(true);
    expect(again.position).to.equal(first.position);
    await markNotificationRead(bench.store, ctx, 'u1', (await notificationsPage(bench.db, 'u2', { unreadOnly: false, limit: 2 }))[1]!.id);
    bench.runtime.nudge();
    await bench.caughtUp();
    expect((await ownedNotification(bench.db, 'u2', newest!.id))?.read_at).to.be.a('string');
    const unread = await notificationsPage(bench.db, 'u2', { unreadOnly: true, limit: 10 });
    // u1's attempt on u2's notification changed nothing.
    expect(unread.map((r) => r.message)).to.deep.equal([`Received 70.50 USD from account ${A}.`]);
    expect(await ownedNotification(bench.db, 'u1', newest!.id)).to.equal(undefined);
  });

  it('keeps ids (derived from event ids) and read marks across a rebuild', async () => {
    const before = await bench.db.query('select id, user_id, message, read_at from rm.notifications order by id');
    const events = await bench.store.readAll({ fromPosition: 0n, max: 1000 });
    const credit = events.find((e) => e.type === 'AccountCredited' && e.stream_id === `account-${B}`)!;
    expect(before.map((r) => (r as { id: string }).id)).to.include(notificationId(credit.event_id, 'u2'));
    await bench.db.query('delete from rm.notifications');
    await bench.runtime.rebuild('notifications');
    expect(await bench.db.query('select id, user_id, message, read_at from rm.notifications order by id')).to.deep.equal(before);
  });
});

describe('notifications projection: reads set aside by a rebuild (PostgreSQL)', function () {
  this.timeout(60_000);
  let bench: Awaited<ReturnType<typeof projectionBench>>;
  before(async () => {
    bench = await projectionBench(notificationsProjection);
  });
  after(async () => {
    await bench?.close();
  });

  it('marks, as the live build does, only a notification earlier in the log than its read, with the first read, across pages', async () => {
    const C = '300000000013';
    const deposit = (n: number) => asNew('AccountCredited', credited(`dep${n}`, 'deposit', String(1000 + n), CASH).data);
    const read = (id: string) => bench.append('notifications-u3', [{ type: 'NotificationRead', data: { notification_id: id } }]);
    await bench.append(`account-${C}`, [opened(C, 'u3', 'JOD')]);
    // Read before it exists: its id is known ahead, from the event id of the deposit to come.
    const early = deposit(0);
    await read(notificationId(early.event_id, 'u3'));
    const filler = async () => {
      // More than a page of the rebuild below between a notification and its reads.
      await bench.store.append(`account-${C}`, Array.from({ length: 8 }, (_, i) => deposit(10 + i)), 'any');
      bench.runtime.nudge();
      await bench.caughtUp();
    };
    await filler();
    await bench.store.append(`account-${C}`, [early], 'any');
    const later = deposit(1);
    await bench.store.append(`account-${C}`, [later], 'any');
    await filler();
    await read(notificationId(later.event_id, 'u3'));
    await filler();
    await read(notificationId(later.event_id, 'u3'));
    // A read by another user of u3's notification, and one of an id nobody has.
    await bench.append('notifications-u4', [{ type: 'NotificationRead', data: { notification_id: notificationId(early.event_id, 'u3') } }]);
    await read(notificationId(deposit(2).event_id, 'u3'));
    bench.runtime.nudge();
    await bench.caughtUp();

    const rows = () => bench.db.query<{ id: string; user_id: string; message: string; read_at: Date | null; position: string }>(
      'select id, user_id, message, read_at, position::text as position from rm.notifications order by position, id',
    );
    const live = await rows();
    const readOf = (eventId: string) => live.find((r) => r.id === notificationId(eventId, 'u3'))!.read_at;
    const reads = (await bench.store.readAll({ fromPosition: 0n, max: 1000 })).filter((e) => e.type === 'NotificationRead' && e.stream_id === 'notifications-u3');
    expect(readOf(early.event_id)).to.equal(null);
    expect(readOf(later.event_id)?.toISOString()).to.equal(reads[1]!.recorded_at.toISOString());
    expect(live.filter((r) => r.read_at !== null)).to.have.length(1);

    await bench.db.query('update rm.notifications set read_at = null');
    // Pages of 5: reads and what they mark come in different pages of the load.
    await rebuildProjection(bench.store, bench.db, notificationsProjection, { batchSize: 5 });
    expect(await rows()).to.deep.equal(live);
  });
});

describe('notifications projection: bill payments and staff alerts (PostgreSQL)', function () {
  this.timeout(60_000);
  let bench: Awaited<ReturnType<typeof projectionBench>>;
  const BILLER = '950000000003';
  const staffRegistered = (user_id: string, is_staff: boolean) => ({
    type: 'UserRegistered',
    data: { user_id, email: `${user_id}@example.com`, credential_id: 'c', country: 'JO', kpi_country: 'JO', first_name: 'a', last_name: 'b', is_staff, is_superuser: is_staff, roles: [], registered_at: '2025-01-01T00:00:00Z' },
  });
  const incident = (id: string, severity: string, user_id: string | null) => ({
    type: 'IncidentRaised',
    data: { incident_id: id, rule: 'transfer_velocity', severity, user_id, account_number: A, ip: null, evidence: { transfer: { transfer_id: 't9' } }, raised_at: '2025-01-01T00:00:00Z' },
  });
  const all = (user: string) => notificationsPage(bench.db, user, { unreadOnly: false, limit: 100 });

  before(async () => {
    bench = await projectionBench(notificationsProjection);
    await bench.append('user-s1', [staffRegistered('s1', true)]);
    await bench.append('user-u1', [staffRegistered('u1', false)]);
    await bench.append(`account-${A}`, [opened(A, 'u1', 'JOD')]);
    await bench.append(`account-${B}`, [opened(B, 's1', 'USD')]);
    await bench.append(`account-${BILLER}`, [opened(BILLER, 'bank', 'JOD', 'Biller')]);
    await bench.append(`account-${A}`, [debited('bill-1', 'bill', '25000', '0', BILLER)]);
    await bench.append('incident-i1', [incident('i1', 'high', 'u1')]);
    await bench.append('incident-i2', [incident('i2', 'critical', 'u1')]);
    await bench.append('user-u1', [{ type: 'UserBlocked', data: { reason: 'fraud', at: '2025-01-01T00:00:00Z' } }]);
    await bench.append(`account-${A}`, [{ type: 'AccountFrozen', data: { reason: 'staff' } }]);
    // A staff user who joins later is alerted from then on; the staff owner of a frozen account is told once.
    await bench.append('user-s2', [staffRegistered('s2', true)]);
    await bench.append(`account-${B}`, [{ type: 'AccountFrozen', data: { reason: 'staff' } }]);
  });
  after(async () => {
    await bench?.close();
  });

  it('types a bill payment BILL_PAYMENT, linked to its payment', async () => {
    const [paid] = await notificationsPage(bench.db, 'u1', { unreadOnly: false, type: 'BILL_PAYMENT', limit: 10 });
    expect(paid).to.include({ notification_type: 'BILL_PAYMENT', related_transfer_id: 'bill-1', message: `Paid 25.000 JOD to biller account ${BILLER}.` });
  });

  it('alerts every staff user, and only staff, to critical incidents, blocked users and frozen accounts', async () => {
    expect((await all('s1')).map((r) => [r.notification_type, r.message, r.related_transfer_id])).to.deep.equal([
      ['SECURITY', `Account ${B} was frozen.`, null],
      ['ADMIN_ALERT', `Account ${A} was frozen.`, null],
      ['ADMIN_ALERT', 'User u1 was blocked.', null],
      ['ADMIN_ALERT', `Critical incident: transfer_velocity (user u1, account ${A}).`, 't9'],
    ]);
    expect((await all('s2')).map((r) => r.message)).to.deep.equal([`Account ${B} was frozen.`]);
    expect((await all('s2'))[0]!.notification_type).to.equal('ADMIN_ALERT');
    expect((await all('u1')).map((r) => r.notification_type)).to.deep.equal(['SECURITY', 'BILL_PAYMENT']);
  });
});
