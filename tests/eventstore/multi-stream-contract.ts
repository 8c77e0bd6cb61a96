import { expect } from 'chai';
import { DuplicateEventIdError, WrongExpectedRevisionError } from '../../src/eventstore/errors.js';
import { verifyChain } from '../../src/eventstore/hash-chain.js';
import type { EventStore, NewEvent, RecordedEvent } from '../../src/eventstore/port.js';
import { newEvents, rejection, streamName } from './support.js';

const ids = (events: readonly { event_id: string }[]) => events.map((e) => e.event_id);

/**
 * `appendMany` of a store with `atomicMultiStream`: several streams, each with
 * its expected revision, in one commit or not at all. `store` is read when the
 * tests run (opened by the caller's `before`); stores without the capability skip them.
 */
/** An append left uncommitted on its own connection (contract.ts HeldAppend). */
interface Held {
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export function describeMultiStreamContract(
  name: string,
  store: () => EventStore,
  holdAppend: () => ((stream: string, events: NewEvent[]) => Promise<Held>) | undefined = () => undefined,
): void {
  describe(`multi-stream append: ${name}`, function () {
    this.timeout(30_000);

    beforeEach(function () {
      // Stores without the capability append stream by stream (the settlement process finishes a transfer).
      if (!store().atomicMultiStream) this.skip();
    });

    async function streamOf(n: number): Promise<string> {
      const s = streamName('multi');
      if (n > 0) await store().append(s, newEvents(n), 'no_stream');
      return s;
    }

    async function contents(streams: string[]): Promise<string[][]> {
      return Promise.all(streams.map(async (s) => ids(await store().readStream(s).catch(() => [] as RecordedEvent[]))));
    }

    it('reads several streams\' tails in one call: each from its revision, at most max of each, in the order asked', async () => {
      if (!store().readStreams) return expect(store().kind).to.equal('eventstoredb');
      const [a, b, missing] = [await streamOf(5), await streamOf(2), streamName('multi-missing')];
      const whole = await contents([a, b]);
      const lists = await store().readStreams!(
        [
          { stream: b, from: 1n },
          { stream: missing, from: 0n },
          { stream: a, from: 2n },
          { stream: b, from: 2n },
        ],
        2,
      );
      expect(lists.map(ids)).to.deep.equal([whole[1]!.slice(1), [], whole[0]!.slice(2, 4), []]);
      expect(lists[2]!.map((e) => e.revision)).to.deep.equal([2n, 3n]);
      expect(lists[2]!.every((e) => e.stream_id === a)).to.equal(true);
      expect(await store().readStreams!([], 10)).to.deep.equal([]);
    });

    it('declares the capability', () => {
      expect(store().atomicMultiStream).to.equal(true);
      expect(store().appendMany).to.be.a('function');
    });

    it('appends to several streams at once, each at its expected revision, chained like single appends', async () => {
      const [a, b, c] = [await streamOf(2), await streamOf(0), await streamOf(1)];
      const [ea, eb, ec] = [newEvents(1), newEvents(2), newEvents(1)];
      const results = await store().appendMany!([
        { stream: a, events: ea, expected: 1n },
        { stream: b, events: eb, expected: 'no_stream' },
        { stream: c, events: ec, expected: 0n },
      ]);
      expect(results.map((r) => r.next_revision)).to.deep.equal([2n, 1n, 1n]);
      expect(results.map((r) => r.duplicate)).to.deep.equal([false, false, false]);
      expect(ids(results[1]!.events)).to.deep.equal(ids(eb));
      const all = results.flatMap((r) => r.events.map((e) => e.position));
      expect(new Set(all).size).to.equal(4);
      for (const s of [a, b, c]) {
        const stored = await store().readStream(s);
        expect(verifyChain(stored), `chain of ${s}`).to.deep.equal([]);
      }
      expect((await store().readStream(b)).map((e) => e.hash)).to.deep.equal(results[1]!.events.map((e) => e.hash));
    });

    it('one wrong expectation refuses the whole append, naming that stream, and writes nothing anywhere', async () => {
      const [a, b, c] = [await streamOf(1), await streamOf(3), await streamOf(0)];
      const before = await contents([a, b, c]);
      const head = await store().committedHead();
      const error = await rejection(
        store().appendMany!([
          { stream: a, events: newEvents(1), expected: 0n },
          { stream: b, events: newEvents(1), expected: 1n },
          { stream: c, events: newEvents(1), expected: 'no_stream' },
        ]),
      );
      expect(error).to.be.instanceOf(WrongExpectedRevisionError);
      expect((error as WrongExpectedRevisionError).stream).to.equal(b);
      expect((error as WrongExpectedRevisionError).actual).to.equal(2n);
      expect(await contents([a, b, c])).to.deep.equal(before);
      expect(await store().committedHead()).to.equal(head);
    });

    it('an event id stored in another stream refuses the whole append', async () => {
      const other = await streamOf(0);
      const taken = newEvents(1);
      await store().append(other, taken, 'no_stream');
      const [a, b] = [await streamOf(1), await streamOf(0)];
      const error = await rejection(
        store().appendMany!([
          { stream: a, events: newEvents(1), expected: 0n },
          { stream: b, events: taken, expected: 'no_stream' },
        ]),
      );
      expect(error).to.be.instanceOf(DuplicateEventIdError);
      expect(await contents([a, b])).to.deep.equal([ids((await store().readStream(a))), []]);
      expect((await store().readStream(a)).length).to.equal(1);
    });

    it('the same append again is a retry: every part reports the stored events and nothing new is written', async () => {
      const [a, b] = [await streamOf(0), await streamOf(4)];
      const parts = [
        { stream: a, events: newEvents(1), expected: 'no_stream' as const },
        { stream: b, events: newEvents(1), expected: 3n },
      ];
      const first = await store().appendMany!(parts);
      const head = await store().committedHead();
      const again = await store().appendMany!(parts);
      expect(again.map((r) => r.duplicate)).to.deep.equal([true, true]);
      expect(again.map((r) => r.position)).to.deep.equal(first.map((r) => r.position));
      expect(again.map((r) => r.events.map((e) => e.hash))).to.deep.equal(first.map((r) => r.events.map((e) => e.hash)));
      expect(await store().committedHead()).to.equal(head);
    });

    it('refuses the same stream twice and an empty list', async () => {
      const s = await streamOf(0);
      expect(await rejection(store().appendMany!([{ stream: s, events: newEvents(1), expected: 'any' }, { stream: s, events: newEvents(1), expected: 'any' }]))).to.be.instanceOf(RangeError);
      expect(await rejection(store().appendMany!([]))).to.be.instanceOf(RangeError);
      expect(await contents([s])).to.deep.equal([[]]);
    });

    it('concurrent multi-stream appends racing for one stream: exactly one wins each round', async () => {
      for (let round = 0; round < 30; round++) {
        const shared = await streamOf(1);
        const [x, y] = [await streamOf(0), await streamOf(0)];
        const outcomes = await Promise.allSettled([
          store().appendMany!([{ stream: shared, events: newEvents(1), expected: 0n }, { stream: x, events: newEvents(1), expected: 'no_stream' }]),
          store().appendMany!([{ stream: shared, events: newEvents(1), expected: 0n }, { stream: y, events: newEvents(1), expected: 'no_stream' }]),
        ]);
        const won = outcomes.filter((o) => o.status === 'fulfilled').length;
        expect(won, `round ${round}: appends that won`).to.equal(1);
        const [sx, sy] = await contents([x, y]);
        // The loser's other stream stayed empty: nothing of it was kept.
        expect(sx!.length + sy!.length, `round ${round}: events in the two private streams`).to.equal(1);
        expect((await store().readStream(shared)).length).to.equal(2);
      }
    });

    it('a head that moves while the append inserts (a rival commits after the lock) refuses it and keeps none of its streams', async function () {
      // Deterministic form of the race above: the append passes its check of both
      // streams, then waits inserting into its first stream (an uncommitted
      // rival holds that key); meanwhile a rival commits its second stream.
      const hold = holdAppend();
      if (!hold) this.skip();
      const [first, second] = [streamName('multi'), streamName('multi')];
      const blocker = await hold!(first, newEvents(1));
      let mover: Held | undefined = await hold!(second, newEvents(1));
      try {
        const pending = rejection(
          store().appendMany!([
            { stream: first, events: newEvents(1), expected: 'no_stream' },
            { stream: second, events: newEvents(1), expected: 'no_stream' },
          ]),
        );
        await new Promise((resolve) => setTimeout(resolve, 500));
        await mover.commit();
        mover = undefined;
        await blocker.rollback();
        const error = await pending;
        expect(error).to.be.instanceOf(WrongExpectedRevisionError);
        expect((error as WrongExpectedRevisionError).stream).to.equal(second);
        expect(await contents([first]), 'the refused append kept its first stream').to.deep.equal([[]]);
        expect((await store().readStream(second)).length).to.equal(1);
      } finally {
        await mover?.rollback().catch(() => undefined);
        await blocker.rollback().catch(() => undefined);
      }
    });
  });
}
