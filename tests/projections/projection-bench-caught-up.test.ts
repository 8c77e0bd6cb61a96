import { expect } from 'chai';
import { businessProjection } from '../../src/projections/business/business-projection.js';
import { asNew, projectionBench } from '../unit/cards/support/projection-bench.js';

/**
 * The business-active-windows test once read one login short in a week: its bench's caughtUp waited for the
 * head readers may see, which lags the committed events while an older transaction is open on the (shared)
 * server, so it returned before the last appends were applied.
 */
describe('projection bench caughtUp while an older transaction is open', function () {
  this.timeout(60_000);

  it('waits for every committed event, not only the visible head', async () => {
    const bench = await projectionBench(businessProjection);
    try {
      // Given a transaction with an id, open on the server from before the appends.
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      let holding!: () => void;
      const held = new Promise<void>((r) => (holding = r));
      const open = bench.db.transaction(async (tx) => {
        await tx.query('select pg_current_xact_id()');
        holding();
        await released;
      });
      await held;
      // When a user logs in twice, and the transaction ends only after caughtUp has started.
      for (const id of ['s1', 's2']) {
        const e = asNew('SessionStarted', { session_id: id, user_id: 'u1' });
        await bench.store.append(`session-${id}`, [{ ...e, metadata: { ...e.metadata, occurred_at: '2026-01-12T05:00:00Z' } }], 'any');
      }
      const [visible, committed] = [await bench.store.headPosition(), await bench.store.committedHead()];
      expect(visible < committed, `the visible head ${visible} lags the appends (${committed})`).to.equal(true);
      bench.runtime.nudge();
      const caught = bench.caughtUp();
      setTimeout(release, 300);
      await caught;
      await open;
      // Then both logins are counted.
      const rows = await bench.db.query<{ value: string }>(`select value::text as value from rm.business_counts where metric = 'logins' and day = '2026-01-12'`);
      expect(rows.map((r) => Number(r.value)).reduce((a, b) => a + b, 0)).to.equal(2);
    } finally {
      await bench.close();
    }
  });
});
