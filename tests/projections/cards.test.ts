import { expect } from 'chai';
import type { AccountFacts, CardCommand } from '../../src/domain/cards/commands.js';
import { cardDecider, cardStream } from '../../src/domain/cards/decider.js';
import type { CardEvent } from '../../src/domain/cards/events.js';
import { composePan } from '../../src/domain/cards/pan.js';
import { cardsProjection } from '../../src/projections/cards/cards-projection.js';
import { cardsOfAccount, ownedCard } from '../../src/projections/cards/card-queries.js';
import { projectionBench } from '../unit/cards/support/projection-bench.js';

const account = (n: string, owner: string): AccountFacts => ({ exists: true, account_number: n, owner_id: owner, status: 'active', currency: 'JOD' });
const ids = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333'];
const pans = [composePan('000000001'), composePan('000000002'), composePan('000000003')];

function issued(i: number, acc: AccountFacts, at: string): CardEvent[] {
  const cmd: CardCommand = {
    type: 'IssueCard', card_id: ids[i]!, caller_id: acc.owner_id, account: acc, card_type: i === 1 ? 'CREDIT' : 'DEBIT',
    pan: pans[i]!, pan_hash: String(i).repeat(64),
  };
  return cardDecider.decide(cmd, cardDecider.initialState, { now: new Date(at) });
}

describe('cards projection (PostgreSQL)', function () {
  this.timeout(60_000);
  let bench: Awaited<ReturnType<typeof projectionBench>>;
  const a = account('100000000017', 'u1');
  const b = account('200000000015', 'u2');

  before(async () => {
    bench = await projectionBench(cardsProjection);
    await bench.append(cardStream(ids[0]!), issued(0, a, '2025-01-01T00:00:00Z'));
    await bench.append(cardStream(ids[1]!), issued(1, a, '2025-02-01T00:00:00Z'));
    await bench.append(cardStream(ids[2]!), issued(2, b, '2025-03-01T00:00:00Z'));
    await bench.append(cardStream(ids[0]!), [{ type: 'CardBlocked', data: { reason: 'lost' } }]);
    await bench.append(cardStream(ids[1]!), [
      { type: 'CardLimitsChanged', data: { daily_limit: '250500', monthly_limit: '900000' } },
      { type: 'CardBlocked', data: { reason: 'owner_request' } },
      { type: 'CardUnblocked', data: { reason: 'owner_request' } },
    ]);
  });
  after(async () => {
    await bench?.close();
  });

  it('lists an account\'s cards newest first with their current status and limits', async () => {
    const rows = await cardsOfAccount(bench.db, a.account_number);
    expect(rows.map((r) => r.card_id)).to.deep.equal([ids[1], ids[0]]);
    expect(rows[0]).to.include({ card_type: 'CREDIT', status: 'active', daily_limit: '250500', monthly_limit: '900000', last4: pans[1]!.slice(-4), currency: 'JOD' });
    expect(rows[1]).to.include({ status: 'blocked', daily_limit: '1000000', owner_id: 'u1', expiry_year: 2030, expiry_month: 1 });
    expect(new Date(rows[1]!.created_at).toISOString()).to.equal('2025-01-01T00:00:00.000Z');
    expect((await cardsOfAccount(bench.db, b.account_number)).map((r) => r.card_id)).to.deep.equal([ids[2]]);
  });

  it('finds a card only for its owner', async () => {
    expect((await ownedCard(bench.db, ids[2]!, 'u2'))?.last4).to.equal(pans[2]!.slice(-4));
    expect(await ownedCard(bench.db, ids[2]!, 'u1')).to.equal(undefined);
  });

  it('holds no card number and no hash of one', async () => {
    const dump = JSON.stringify(await bench.db.query('select * from rm.cards'));
    for (const pan of pans) expect(dump).not.to.contain(pan);
    expect(dump).not.to.contain('0'.repeat(64));
  });

  it('rebuilds from position 0 into the same rows', async () => {
    const before = await bench.db.query('select * from rm.cards order by card_id');
    await bench.db.query(`update rm.cards set status = 'garbage'`);
    await bench.runtime.rebuild('cards');
    expect(await bench.db.query('select * from rm.cards order by card_id')).to.deep.equal(before);
  });
});
