import { expect } from 'chai';
import { AppendBatcher, type BatchRow } from '../../../src/eventstore/sql/append-batcher.js';
import type { SqlExecutor, SqlRows, SqlSession } from '../../../src/eventstore/sql/executor.js';

/** An executor answering es.append_many with one row per item, counting the calls in flight and the items of each. */
function fakeExecutor() {
  const seen = { inFlight: 0, most: 0, batches: [] as number[] };
  const session: SqlSession = {
    async query<R>(_text: string, params?: unknown[]): Promise<SqlRows<R>> {
      const items = JSON.parse(String(params![0])) as unknown[];
      seen.batches.push(items.length);
      seen.inFlight++;
      seen.most = Math.max(seen.most, seen.inFlight);
      await new Promise((r) => setTimeout(r, 5));
      seen.inFlight--;
      const rows = items.map((_, i) => ({ o_item: i, o_sub: 0, o_error: null }) as unknown as BatchRow);
      return { rows: rows as R[] };
    },
  };
  const executor: SqlExecutor = { ...session, withSession: (work) => work(session), end: async () => undefined };
  return { executor, seen };
}

describe('AppendBatcher: group commit with a bound on the batches in flight', () => {
  const submitMany = (batcher: AppendBatcher, n: number) => Promise.all(Array.from({ length: n }, (_, i) => batcher.submit(`{"n":${i}}`)));

  it('sends at most maxInFlight batches at once, gathering what arrives meanwhile', async () => {
    for (const maxInFlight of [1, 2]) {
      const { executor, seen } = fakeExecutor();
      const answers = await submitMany(new AppendBatcher(executor, { maxInFlight, maxItems: 50 }), 40);
      expect(answers.every((rows) => rows.length === 1), 'every item answered').to.equal(true);
      expect(seen.most, `in flight with maxInFlight ${maxInFlight}`).to.equal(maxInFlight);
      // The first submit goes alone, the rest wait for a free slot and go together.
      expect(seen.batches.length, `${maxInFlight}: batches ${seen.batches.join(',')}`).to.equal(maxInFlight + 1);
      expect(seen.batches.reduce((a, b) => a + b, 0)).to.equal(40);
    }
  });

  it('never puts more than maxItems in a batch', async () => {
    const { executor, seen } = fakeExecutor();
    await submitMany(new AppendBatcher(executor, { maxInFlight: 1, maxItems: 7 }), 30);
    expect(Math.max(...seen.batches)).to.equal(7);
    expect(seen.batches.reduce((a, b) => a + b, 0)).to.equal(30);
  });
});
