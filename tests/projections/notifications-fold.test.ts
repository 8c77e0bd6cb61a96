import { expect } from 'chai';
import type { BankEvent } from '../../src/domain/events.js';
import type { NotificationSourceEvent } from '../../src/projections/notifications/notices.js';
import { foldNotifications, notificationId, notificationKeys, type NotificationsBefore } from '../../src/projections/notifications/notifications-fold.js';
import { eventLog } from './support/event-log.js';

const A = '100000000017';
const B = '200000000015';
const nothingBefore = (): NotificationsBefore => ({ accounts: new Map(), cards: new Map(), staff: new Set() });
const opened = (account: string, owner: string, type: 'Basic' | 'BankCash' = 'Basic'): BankEvent =>
  ({ type: 'AccountOpened', data: { account_number: account, owner_id: owner, type, currency: 'JOD' } }) as BankEvent;
const credited = (amount: string): BankEvent =>
  ({ type: 'AccountCredited', data: { transfer_id: 't1', kind: 'external', amount, counterparty_account: B, fx: null, balance_after: amount } }) as BankEvent;
const debitedForBill = (amount: string): BankEvent => ({
  type: 'AccountDebited',
  data: { transfer_id: 'b1', kind: 'bill', amount, fee: '0', counterparty_account: B, credit_amount: amount, fx: null, fee_account: null, from_reservation: false, balance_after: '0' },
}) as BankEvent;

describe('notifications fold (rows before + events -> rows to write)', () => {
  it('given an account opened in the batch, when money arrives, then its owner is told once', () => {
    const log = eventLog(10n);
    const events = [log(`account-${A}`, opened(A, 'u1')), log(`account-${A}`, credited('5000'))] as NotificationSourceEvent[];
    const { newAccounts, notifications } = foldNotifications(nothingBefore(), events);
    expect(newAccounts.map((a) => a.account_number)).to.deep.equal([A]);
    expect(notifications).to.have.length(1);
    expect(notifications[0]).to.include({ user_id: 'u1', notification_type: 'TRANSACTION', event_type: 'AccountCredited', account_number: A, related_transfer_id: 't1', position: '11', read_at: null });
    expect(notifications[0]!.id).to.equal(notificationId(events[1]!.event_id, 'u1'));
  });

  it('given an owner known before the batch, a bill debit is a BILL_PAYMENT; an unknown or bank-owned account tells nobody', () => {
    const log = eventLog(20n);
    const before: NotificationsBefore = { ...nothingBefore(), accounts: new Map([[A, { owner_id: 'u1', currency: 'JOD', type: 'Basic' }], [B, { owner_id: 'bank', currency: 'JOD', type: 'BankCash' }]]) };
    const events = [log(`account-${A}`, debitedForBill('25000')), log(`account-${B}`, credited('1')), log('account-300000000013', credited('1'))] as NotificationSourceEvent[];
    const { notifications, newAccounts } = foldNotifications(before, events);
    expect(notifications.map((n) => [n.user_id, n.notification_type])).to.deep.equal([['u1', 'BILL_PAYMENT']]);
    expect(newAccounts).to.deep.equal([]);
  });

  it('given staff, when an account is frozen, then its owner gets SECURITY and every staff user one ADMIN_ALERT (a staff owner is told once)', () => {
    const log = eventLog(30n);
    const before: NotificationsBefore = { accounts: new Map([[A, { owner_id: 's1', currency: 'JOD', type: 'Basic' }]]), cards: new Map(), staff: new Set(['s1', 's2']) };
    const events = [log(`account-${A}`, { type: 'AccountFrozen', data: { reason: 'risk' } } as BankEvent)] as NotificationSourceEvent[];
    const { notifications } = foldNotifications(before, events);
    expect(notifications.map((n) => [n.user_id, n.notification_type]).sort()).to.deep.equal([['s1', 'SECURITY'], ['s2', 'ADMIN_ALERT']]);
  });

  it('given a staff user registered in the batch, a later critical incident alerts them and the staff row is new', () => {
    const log = eventLog(40n);
    const staff = { type: 'UserRegistered', data: { user_id: 's9', email: 'x', country: '', first_name: '', last_name: '', is_staff: true, is_superuser: true, roles: [], registered_at: '' } } as unknown as BankEvent;
    const incident = { type: 'IncidentRaised', data: { incident_id: 'i1', rule: 'impossible_travel', severity: 'critical', user_id: 'u1', account_number: null, ip: null, evidence: { transfer_id: 't7' }, raised_at: '' } } as BankEvent;
    const low = { type: 'IncidentRaised', data: { incident_id: 'i2', rule: 'burst', severity: 'high', user_id: 'u1', account_number: null, ip: null, evidence: {}, raised_at: '' } } as BankEvent;
    const events = [log('user-s9', staff), log('incident-i1', incident), log('incident-i2', low)] as NotificationSourceEvent[];
    expect(notificationKeys(events).staff).to.equal(true);
    const { newStaff, notifications } = foldNotifications(nothingBefore(), events);
    expect(newStaff).to.deep.equal(['s9']);
    expect(notifications.map((n) => [n.user_id, n.notification_type, n.related_transfer_id])).to.deep.equal([['s9', 'ADMIN_ALERT', 't7']]);
  });

  it('when a notification is read, a stored one is marked by the first read only, one of this batch at once, and a malformed id is skipped', () => {
    const log = eventLog(50n);
    const before: NotificationsBefore = { ...nothingBefore(), accounts: new Map([[A, { owner_id: 'u1', currency: 'JOD', type: 'Basic' }]]) };
    const arrived = log(`account-${A}`, credited('1')) as NotificationSourceEvent;
    const fresh = notificationId(arrived.event_id, 'u1');
    const stored = '11111111-2222-4333-8444-555555555555';
    const read = (id: string) => log('notifications-u1', { type: 'NotificationRead', data: { notification_id: id } } as BankEvent) as NotificationSourceEvent;
    const { notifications, reads } = foldNotifications(before, [arrived, read(fresh), read(stored), read(stored), read('not-a-uuid')]);
    expect(notifications[0]!.read_at).to.not.equal(null);
    expect(reads.map((r) => r.id)).to.deep.equal([fresh, stored]);
  });

  it('leaves the rows it was given as they were, and names the keys a batch needs', () => {
    const log = eventLog(60n);
    const before = nothingBefore();
    const events = [log(`account-${A}`, opened(A, 'u1')), log('card-c1', { type: 'CardBlocked', data: { reason: 'lost' } } as BankEvent)] as NotificationSourceEvent[];
    foldNotifications(before, events);
    expect(before.accounts.size).to.equal(0);
    const keys = notificationKeys(events);
    expect([...keys.accounts, ...keys.cards, keys.staff]).to.deep.equal([A, 'c1', false]);
  });
});
