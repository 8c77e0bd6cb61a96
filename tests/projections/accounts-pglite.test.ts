import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { deposit } from '../../src/commands/accounts/deposit.js';
import { openAccount } from '../../src/commands/accounts/open-account.js';
import { ensureSystemAccounts } from '../../src/commands/accounts/system-accounts.js';
import { AggregateRepository } from '../../src/commands/shared/aggregate-repository.js';
import { systemContext } from '../../src/commands/shared/command-context.js';
import { SnapshotStore } from '../../src/commands/shared/snapshots.js';
import { openPGlite, openPGliteEventStore } from '../../src/eventstore/pglite/pglite-event-store.js';
import { pgliteDb } from '../../src/infra/db.js';
import { accountsProjection } from '../../src/projections/accounts/accounts-projection.js';
import { ProjectionRuntime } from '../../src/projections/runtime/runtime.js';
import { migrateServiceSchema } from '../../src/migrations/service/index.js';

describe('accounts projection on the embedded PGlite', function () {
  this.timeout(60_000);
  it('writes balances and statement entries (array parameters, nulls and JSON) as on PostgreSQL', async () => {
    const { db: pglite, release } = await openPGlite('memory://');
    const store = await openPGliteEventStore(pglite, async () => release());
    const db = pgliteDb(pglite);
    const runtime = new ProjectionRuntime(store, db, pino({ level: 'silent' }), [accountsProjection], { project: true, idleMs: 10 });
    try {
      await migrateServiceSchema(db);
      const repo = new AggregateRepository(store, new SnapshotStore(db));
      await ensureSystemAccounts(repo);
      await runtime.start();
      const ctx = systemContext('test');
      const acc = (await openAccount(repo, ctx, { owner_id: 'u1', type: 'Basic', currency: 'JOD' })).state.account_number;
      const moved = await deposit(repo, store, ctx, { deposit_id: randomUUID(), account_number: acc, amount: 12_345n });
      runtime.nudge();
      expect(await runtime.waitForPosition(moved.position, 10_000)).to.equal(true);
      const [account] = await db.query<{ balance: string; status: string }>(`select balance::text as balance, status from rm.accounts where account_number = $1`, [acc]);
      expect(account).to.deep.equal({ balance: '12345', status: 'active' });
      const entries = await db.query<{ direction: string; amount: string; counterparty_account: string | null; fx: unknown }>(
        `select direction, amount::text as amount, counterparty_account, fx from rm.account_entries order by position`,
      );
      expect(entries.map((e) => [e.direction, e.amount])).to.deep.equal([['debit', '-12345'], ['credit', '12345']]);
      expect(entries[1]!.fx).to.equal(null);
    } finally {
      await runtime.stop();
      await store.close();
    }
  });
});
