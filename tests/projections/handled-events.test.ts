import { expect } from 'chai';
import type { RecordedEvent } from '../../src/eventstore/port.js';
import type { Queryable } from '../../src/infra/db.js';
import { applyHandled, byEventType, type Projection, type TypedProjection } from '../../src/projections/runtime/projection.js';
import { projectionBench } from '../unit/cards/support/projection-bench.js';
import { checkpointOf } from './helpers.js';
import { eventLog } from './support/event-log.js';

const tx = {} as Queryable; // never used: the projections below only record what they are given

const log = eventLog();
const batch: RecordedEvent[] = [
  log('account-1', { type: 'AccountOpened', data: { account_number: '1', owner_id: 'u1', type: 'Basic', currency: 'JOD' } }),
  log('card-c1', { type: 'CardBlocked', data: { reason: 'lost' } }),
  log('account-1', { type: 'AccountFrozen', data: { reason: 'staff' } }),
  log('notifications-u1', { type: 'NotificationRead', data: { notification_id: 'n1' } }),
] as RecordedEvent[];

function recording(handles: TypedProjection<'AccountOpened' | 'AccountFrozen'>['handles']) {
  const seen: string[][] = [];
  const projection: TypedProjection<'AccountOpened' | 'AccountFrozen'> = {
    name: 'recording', version: 1, tables: [], handles,
    async setup() {},
    async apply(_tx, events) {
      seen.push(events.map((e) => (e.type === 'AccountOpened' ? `opened ${e.data.account_number}` : `frozen by ${e.data.reason}`)));
    },
  };
  return { projection, seen };
}

describe('a projection gets only the event types it handles', () => {
  it('applyHandled passes the handled events, in order, typed; a batch with none calls nothing', async () => {
    const { projection, seen } = recording(['AccountOpened', 'AccountFrozen']);
    await applyHandled(projection, tx, batch, 'rm');
    await applyHandled(projection, tx, [batch[1]!, batch[3]!], 'rm');
    expect(seen).to.deep.equal([['opened 1', 'frozen by staff']]);
  });

  it('a projection of the whole log gets every event', async () => {
    const types: string[] = [];
    const whole: Projection = { name: 'whole', version: 1, tables: [], handles: 'all', async setup() {}, async apply(_tx, events) { types.push(...events.map((e) => e.type)); } };
    await applyHandled(whole, tx, batch, 'rm');
    expect(types).to.deep.equal(['AccountOpened', 'CardBlocked', 'AccountFrozen', 'NotificationRead']);
  });

  it('byEventType handles exactly the types it has handlers for', async () => {
    const reasons: string[] = [];
    const p = byEventType({ async CardBlocked(_tx, e) { reasons.push(e.data.reason); } });
    expect(p.handles).to.deep.equal(['CardBlocked']);
    await applyHandled({ name: 'cards_only', version: 1, tables: [], async setup() {}, ...p }, tx, batch, 'rm');
    expect(reasons).to.deep.equal(['lost']);
  });

  it('the runtime moves a projection\'s checkpoint past events it does not handle (PostgreSQL)', async function () {
    this.timeout(60_000);
    const { projection, seen } = recording(['AccountOpened']);
    const bench = await projectionBench(projection);
    try {
      await bench.append('account-1', [
        { type: 'AccountOpened', data: { account_number: '1', owner_id: 'u1', type: 'Basic', currency: 'JOD' } },
        { type: 'AccountFrozen', data: { reason: 'staff' } },
      ]);
      // The last batch holds nothing it handles.
      const head = await bench.append('card-c1', [{ type: 'CardBlocked', data: { reason: 'lost' } }]);
      expect(await checkpointOf(bench.db, 'recording')).to.equal(head);
      expect(seen.flat()).to.deep.equal(['opened 1']);
    } finally {
      await bench.close();
    }
  });
});
