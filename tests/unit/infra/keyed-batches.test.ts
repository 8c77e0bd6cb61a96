import { expect } from 'chai';
import { KeyedBatches } from '../../../src/infra/keyed-batches.js';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('keyed batches', () => {
  it('runs the first item alone, then whatever queued meanwhile as one batch, in order, one batch at a time', async () => {
    const batches: number[][] = [];
    let running = 0;
    let most = 0;
    const queue = new KeyedBatches<number>(async (_key, items) => {
      running++;
      most = Math.max(most, running);
      batches.push(items);
      await tick(5);
      running--;
    });
    for (let i = 1; i <= 5; i++) queue.submit('a', i);
    await tick(30);
    expect(batches).to.deep.equal([[1], [2, 3, 4, 5]]);
    expect(most).to.equal(1);
    expect(queue.size).to.equal(0);
  });

  it('caps a batch, runs other keys at the same time, and puts requeued items first', async () => {
    const seen: string[] = [];
    let requeued = false;
    const queue = new KeyedBatches<string>(async (key, items) => {
      seen.push(`${key}:${items.join(',')}`);
      if (!requeued && items.includes('a3')) {
        requeued = true;
        queue.requeue(key, ['a3-again']);
      }
      await tick(5);
    }, 2);
    for (const i of ['a1', 'a2', 'a3', 'a4']) queue.submit('a', i);
    queue.submit('b', 'b1');
    await tick(60);
    expect(seen.filter((s) => s.startsWith('a:'))).to.deep.equal(['a:a1', 'a:a2,a3', 'a:a3-again,a4']);
    expect(seen.indexOf('b:b1')).to.be.lessThan(seen.indexOf('a:a2,a3'));
    expect(queue.size).to.equal(0);
  });

  it('goes on with the queue when a batch throws', async () => {
    const done: number[] = [];
    const queue = new KeyedBatches<number>(async (_key, items) => {
      await tick(2);
      if (items.includes(1)) throw new Error('boom');
      done.push(...items);
    });
    queue.submit('a', 1);
    queue.submit('a', 2);
    await tick(20);
    expect(done).to.deep.equal([2]);
    expect(queue.size).to.equal(0);
  });
});
