import { expect } from 'chai';
import { AppendBatcher } from '../../../src/eventstore/sql/append-batcher.js';
import type { SqlExecutor, SqlSession } from '../../../src/eventstore/sql/executor.js';

interface Call {
  streams: string[];
  isolate: boolean;
  durable: boolean;
}

/** An executor that answers es.append_batch with one row per item, after the test lets it. */
function fakeExecutor() {
  const calls: Call[] = [];
  const gates: (() => void)[] = [];
  const session: SqlSession = {
    async query(_text: string, params?: unknown[]) {
      const items = JSON.parse(params![0] as string) as { stream: string }[];
      calls.push({ streams: items.map((i) => i.stream), isolate: params![1] as boolean, durable: params![2] as boolean });
      await new Promise<void>((resolve) => gates.push(resolve));
      const rows = items.map((_, i) => ({
        o_item: i, o_event_id: `e${i}`, o_position: String(i + 1), o_revision: '0', o_prev_hash: '', o_hash: '',
        o_recorded_at: new Date(), o_duplicate: false, o_error: null, o_detail: null, o_constraint: null,
      }));
      return { rows } as never;
    },
  };
  const executor: SqlExecutor = {
    query: session.query,
    withSession: (work) => work(session),
    end: async () => undefined,
  };
  const releaseAll = async () => {
    while (gates.length > 0) gates.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { executor, calls, releaseAll };
}

describe('append batcher', () => {
  it('never mixes durable and non-durable appends in one batch, and says which each batch is', async () => {
    const { executor, calls, releaseAll } = fakeExecutor();
    const batcher = new AppendBatcher(executor, { maxInFlight: 1, maxItems: 50 });
    const done = [
      batcher.submit('first', 'any', '[]', true),
      batcher.submit('relaxed-1', 'any', '[]', false),
      batcher.submit('durable-1', 'any', '[]', true),
      batcher.submit('relaxed-2', 'any', '[]', false),
      batcher.submit('durable-2', 'any', '[]', true),
    ];
    for (let i = 0; i < 5 && calls.length < 3; i++) await releaseAll();
    await releaseAll();
    await Promise.all(done);
    expect(calls.map((c) => [c.durable, c.streams])).to.deep.equal([
      [true, ['first']],
      // While the first ran, a non-durable append arrived first: its kind goes next, all of it.
      [false, ['relaxed-1', 'relaxed-2']],
      [true, ['durable-1', 'durable-2']],
    ]);
    expect(calls.every((c) => !c.isolate)).to.equal(true);
  });

  it('resolves each append with its own rows', async () => {
    const { executor, releaseAll } = fakeExecutor();
    const batcher = new AppendBatcher(executor, { maxInFlight: 1, maxItems: 50 });
    const a = batcher.submit('a', 'any', '[]', true);
    const b = batcher.submit('b', 'any', '[]', true);
    const c = batcher.submit('c', 'any', '[]', true);
    for (let i = 0; i < 4; i++) await releaseAll();
    expect((await a).map((r) => r.o_event_id)).to.deep.equal(['e0']);
    // b and c went together as items 0 and 1 of the second batch.
    expect((await b).map((r) => r.o_event_id)).to.deep.equal(['e0']);
    expect((await c).map((r) => r.o_event_id)).to.deep.equal(['e1']);
  });
});
