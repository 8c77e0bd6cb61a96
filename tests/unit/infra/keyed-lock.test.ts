import { expect } from 'chai';
import { KeyedLock } from '../../../src/infra/keyed-lock.js';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('keyed lock', () => {
  it('runs work of one key one at a time, in arrival order', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    let running = 0;
    let most = 0;
    await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        lock.run('a', async () => {
          running++;
          most = Math.max(most, running);
          log.push(`start ${n}`);
          await tick(6 - n);
          log.push(`end ${n}`);
          running--;
        }),
      ),
    );
    expect(most).to.equal(1);
    expect(log).to.deep.equal([1, 2, 3, 4, 5].flatMap((n) => [`start ${n}`, `end ${n}`]));
    expect(lock.size).to.equal(0);
  });

  it('runs different keys at the same time', async () => {
    const lock = new KeyedLock();
    let running = 0;
    let most = 0;
    await Promise.all(
      ['a', 'b', 'c'].map((k) =>
        lock.run(k, async () => {
          running++;
          most = Math.max(most, running);
          await tick(5);
          running--;
        }),
      ),
    );
    expect(most).to.equal(3);
  });

  it('passes results and errors through, and a failure frees the key for the next', async () => {
    const lock = new KeyedLock();
    const failed = lock.run('a', async () => {
      throw new Error('boom');
    });
    const next = lock.run('a', async () => 42);
    expect(await failed.catch((e: Error) => e.message)).to.equal('boom');
    expect(await next).to.equal(42);
    expect(lock.size).to.equal(0);
  });
});
