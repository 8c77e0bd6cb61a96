import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { openPostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import { startService, type RunningService } from './service.js';
import { createStaff, login, registerUser, type Tokens } from './users.js';

/** A running service with two active customers and a staff member, logged in. */
export interface BankFixture {
  svc: RunningService;
  alice: Tokens;
  bob: Tokens;
  staff: Tokens;
}

export async function startBank(env: Record<string, string> = {}): Promise<BankFixture> {
  const svc = await startService(env);
  await registerUser(svc, 'alice@example.com');
  await registerUser(svc, 'bob@example.com');
  const [alice, bob] = await Promise.all([login(svc, 'alice@example.com'), login(svc, 'bob@example.com')]);
  const staff = await createStaff(svc, 'staff@example.com');
  return { svc, alice, bob, staff };
}

/** The account steps most money tests begin with, each asserting its own success. */
export function bankSteps({ svc, staff }: BankFixture) {
  return {
    /** Opens an account for the token's owner; returns its number. */
    async open(token: string, body: Record<string, unknown> = {}): Promise<string> {
      const res = await svc.api.post('/accounts/', body, { token });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body.account_number as string;
    },
    /** A staff deposit; returns its position (for min_position). */
    async fund(account: string, amount: string): Promise<string> {
      const res = await svc.api.post(`/admin/accounts/${account}/deposit/`, { amount }, { token: staff.access });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body.position as string;
    },
    /** The balance the read model shows once it has applied `position`. */
    async balanceOf(token: string, account: string, position: string): Promise<string> {
      const res = await svc.api.get(`/accounts/${account}?min_position=${position}`, { token });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return res.body.balance as string;
    },
    /** Freezes (or unfreezes) through the staff endpoint; returns the command's position. */
    async freeze(account: string, action: 'freeze' | 'unfreeze' = 'freeze'): Promise<string> {
      const res = await svc.api.post(`/admin/accounts/${account}/${action}/`, { reason: 'e2e' }, { token: staff.access });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return String(res.body.position);
    },
    freezeBehindTheService: (account: string, type?: FreezeEvent) => freezeBehindTheService(svc, account, type),
  };
}

type FreezeEvent = 'AccountFrozen' | 'AccountUnfrozen';

/**
 * Appends AccountFrozen (or AccountUnfrozen) straight to the store, as another
 * process would: the service learns of it only from the stream. Returns its position.
 */
export async function freezeBehindTheService(svc: RunningService, account: string, type: FreezeEvent = 'AccountFrozen'): Promise<string> {
  const store = await openPostgresEventStore(svc.databaseUrl, 1);
  try {
    const appended = await store.append(`account-${account}`, [{
      event_id: randomUUID(),
      type,
      data: { reason: 'e2e' },
      metadata: { correlation_id: randomUUID(), causation_id: null, actor: { user_id: null, role: 'staff', ip: null }, schema_version: 1, occurred_at: new Date().toISOString() },
    }], 'stream_exists');
    return appended.position.toString();
  } finally {
    await store.close();
  }
}
