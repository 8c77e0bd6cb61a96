import { expect } from 'chai';
import { DuplicateEventIdError, WrongExpectedRevisionError } from '../../../src/eventstore/errors.js';
import { GENESIS_HASH, verifyChain } from '../../../src/eventstore/hash-chain.js';
import type { RecordedEvent } from '../../../src/eventstore/port.js';
import { EventStoreDbStore } from '../../../src/eventstore/eventstoredb/event-store-db.js';
import { toEsdbEvent } from '../../../src/eventstore/eventstoredb/mapping.js';
import { FakeEsdbClient } from './fake-esdb-client.js';
import { ev } from './helpers.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

async function take(iterable: AsyncIterable<RecordedEvent>, n: number): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  const iterator = iterable[Symbol.asyncIterator]();
  while (out.length < n) {
    const next = await Promise.race([
      iterator.next(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out waiting for events')), 2_000)),
    ]);
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

describe('EventStoreDbStore (fake client)', () => {
  let client: FakeEsdbClient;
  let store: EventStoreDbStore;

  beforeEach(() => {
    client = new FakeEsdbClient();
    store = new EventStoreDbStore(client, { allPageSize: 3 });
  });

  describe('append and readStream', () => {
    it('appends a new stream and reports revisions, positions and hashes', async () => {
      const events = [ev('Opened', { owner: 'ada' }), ev('Deposited', { amount: '100' })];
      const result = await store.append('acc-1', events, 'no_stream');
      expect(result.duplicate).to.equal(false);
      expect(result.next_revision).to.equal(1n);
      expect(result.events.map((e) => e.revision)).to.deep.equal([0n, 1n]);
      expect(result.events.map((e) => e.event_id)).to.deep.equal(events.map((e) => e.event_id));
      expect(result.events.map((e) => e.position)).to.deep.equal(client.log.map((r) => r.position.commit));
      expect(result.position).to.equal(client.log[1]!.position.commit);
      expect(result.events[0]!.prev_hash).to.equal(GENESIS_HASH);
      expect(result.events[1]!.prev_hash).to.equal(result.events[0]!.hash);
      expect(result.events[0]!.recorded_at).to.deep.equal(client.log[0]!.created);

      const read = await store.readStream('acc-1');
      expect(read).to.deep.equal(result.events);
      expect(verifyChain(read)).to.deep.equal([]);
    });

    it('continues the chain across appends', async () => {
      await store.append('acc-1', [ev('Opened')], 'no_stream');
      await store.append('acc-1', [ev('Deposited', { amount: '1' })], 0n);
      await store.append('acc-1', [ev('Deposited', { amount: '2' }), ev('Deposited', { amount: '3' })], 'any');
      const read = await store.readStream('acc-1');
      expect(read.map((e) => e.revision)).to.deep.equal([0n, 1n, 2n, 3n]);
      expect(verifyChain(read)).to.deep.equal([]);
    });

    it('verifyChain detects an event tampered with in the store', async () => {
      await store.append('acc-1', [ev('Opened'), ev('Deposited', { amount: '10' }), ev('Deposited', { amount: '20' })], 'no_stream');
      client.log[1]!.data = { amount: '10000' };
      const breaks = verifyChain(await store.readStream('acc-1'));
      expect(breaks.map((b) => [b.revision, b.kind])).to.deep.equal([[1n, 'hash_mismatch']]);
    });

    it('appends with the revision it read, so the server guards the chain', async () => {
      await store.append('acc-1', [ev('Opened')], 'no_stream');
      const expectations: unknown[] = [];
      const original = client.appendToStream.bind(client);
      client.appendToStream = (stream, events, options) => {
        expectations.push(options.expectedRevision);
        return original(stream, events, options);
      };
      await store.append('acc-1', [ev('Deposited')], 'any');
      await store.append('acc-2', [ev('Opened')], 'any');
      expect(expectations).to.deep.equal([0n, 'no_stream']);
    });

    it('reads a missing stream as empty', async () => {
      expect(await store.readStream('nope')).to.deep.equal([]);
      expect(await store.readStream('nope', { direction: 'backwards' })).to.deep.equal([]);
    });

    it('reads forwards and backwards from a revision with max', async () => {
      await store.append('s', [ev('A'), ev('B'), ev('C'), ev('D'), ev('E')], 'no_stream');
      const types = (events: RecordedEvent[]) => events.map((e) => e.type).join('');
      expect(types(await store.readStream('s', { from: 2n }))).to.equal('CDE');
      expect(types(await store.readStream('s', { from: 1n, max: 2 }))).to.equal('BC');
      expect(types(await store.readStream('s', { direction: 'backwards' }))).to.equal('EDCBA');
      expect(types(await store.readStream('s', { direction: 'backwards', from: 3n, max: 2 }))).to.equal('DC');
      expect(types(await store.readStream('s', { direction: 'backwards', from: 'start' }))).to.equal('A');
      expect(types(await store.readStream('s', { from: 'end' }))).to.equal('');
      expect(types(await store.readStream('s', { from: 9n }))).to.equal('');
      expect(types(await store.readStream('s', { max: 0 }))).to.equal('');
    });

    it('refuses invalid appends before touching the server', async () => {
      expect(await rejection(store.append('s', [], 'any'))).to.be.instanceOf(RangeError);
      expect(await rejection(store.append('$s', [ev('A')], 'any'))).to.be.instanceOf(RangeError);
      expect(await rejection(store.append('s', [ev('A', {}, 'nope')], 'any'))).to.be.instanceOf(RangeError);
      const a = ev('A');
      expect(await rejection(store.append('s', [a, a], 'any'))).to.be.instanceOf(RangeError);
      expect(await rejection(store.append('s', [ev('A')], -1n))).to.be.instanceOf(RangeError);
      expect(client.appendCalls).to.equal(0);
    });

    it('uses the append position when the server gives none on stream reads', async () => {
      client.positionsOnStreamReads = false;
      const result = await store.append('s', [ev('A')], 'no_stream');
      expect(result.position).to.equal(client.log[0]!.position.commit);
    });
  });

  describe('expected revision', () => {
    beforeEach(async () => {
      await store.append('acc-1', [ev('Opened'), ev('Deposited')], 'no_stream');
    });

    it('no_stream on an existing stream → WrongExpectedRevisionError', async () => {
      const error = await rejection(store.append('acc-1', [ev('X')], 'no_stream'));
      expect(error).to.be.instanceOf(WrongExpectedRevisionError);
      expect((error as WrongExpectedRevisionError).actual).to.equal(1n);
      expect(client.log).to.have.length(2);
    });

    it('a wrong bigint → WrongExpectedRevisionError without appending', async () => {
      const error = await rejection(store.append('acc-1', [ev('X')], 0n));
      expect(error).to.be.instanceOf(WrongExpectedRevisionError);
      expect((error as WrongExpectedRevisionError).expected).to.equal(0n);
      expect((error as WrongExpectedRevisionError).actual).to.equal(1n);
      expect(client.appendCalls).to.equal(1);
    });

    it('stream_exists on a missing stream → WrongExpectedRevisionError(no_stream)', async () => {
      const error = await rejection(store.append('acc-2', [ev('X')], 'stream_exists'));
      expect(error).to.be.instanceOf(WrongExpectedRevisionError);
      expect((error as WrongExpectedRevisionError).actual).to.equal('no_stream');
    });

    it('the right bigint, any and stream_exists succeed', async () => {
      expect((await store.append('acc-1', [ev('X')], 1n)).next_revision).to.equal(2n);
      expect((await store.append('acc-1', [ev('Y')], 'any')).next_revision).to.equal(3n);
      expect((await store.append('acc-1', [ev('Z')], 'stream_exists')).next_revision).to.equal(4n);
      expect((await store.append('acc-3', [ev('W')], 'any')).next_revision).to.equal(0n);
    });

    it("a concurrent writer between read and append: 'any' retries and keeps the chain", async () => {
      client.beforeAppend = async (stream) => {
        // Another process appends (properly chained) after our read, before our write.
        client.beforeAppend = undefined;
        await store.append(stream, [ev('Concurrent')], 'any');
      };
      const result = await store.append('acc-1', [ev('Mine')], 'any');
      const read = await store.readStream('acc-1');
      expect(read.map((e) => e.type)).to.deep.equal(['Opened', 'Deposited', 'Concurrent', 'Mine']);
      expect(result.next_revision).to.equal(3n);
      expect(verifyChain(read)).to.deep.equal([]);
    });

    it('a concurrent writer with a fixed expected revision → WrongExpectedRevisionError', async () => {
      client.beforeAppend = async (stream) => {
        client.beforeAppend = undefined;
        await store.append(stream, [ev('Concurrent')], 'any');
      };
      const error = await rejection(store.append('acc-1', [ev('Mine')], 1n));
      expect(error).to.be.instanceOf(WrongExpectedRevisionError);
      expect((error as WrongExpectedRevisionError).actual).to.equal(2n);
      const read = await store.readStream('acc-1');
      expect(read.map((e) => e.type)).to.deep.equal(['Opened', 'Deposited', 'Concurrent']);
    });

    it('gives up after the retry budget and maps the server error', async () => {
      const small = new EventStoreDbStore(client, { maxConflictRetries: 2 });
      client.beforeAppend = (stream) => {
        // Someone always gets in first.
        const last = client.log.filter((r) => r.streamId === stream).at(-1)!;
        client.raw(stream, 'Other', {}, { ...(last.metadata as object) });
      };
      const error = await rejection(small.append('acc-1', [ev('Mine')], 'any'));
      expect(error).to.be.instanceOf(WrongExpectedRevisionError);
      expect(client.appendCalls).to.equal(1 + 3);
    });
  });

  describe('idempotency', () => {
    it('re-appending the same events returns duplicate: true and writes nothing', async () => {
      const events = [ev('Opened'), ev('Deposited', { amount: '5' })];
      const first = await store.append('acc-1', events, 'no_stream');
      const calls = client.appendCalls;
      const again = await store.append('acc-1', events, 'no_stream');
      expect(again.duplicate).to.equal(true);
      expect(again.events).to.deep.equal(first.events);
      expect(again.next_revision).to.equal(1n);
      expect(again.position).to.equal(first.position);
      expect(client.log).to.have.length(2);
      expect(client.appendCalls).to.equal(calls);
    });

    it('a retry after later appends is still a duplicate (checked before the revision)', async () => {
      const events = [ev('Deposited', { amount: '5' })];
      await store.append('acc-1', [ev('Opened')], 'no_stream');
      const first = await store.append('acc-1', events, 0n);
      await store.append('acc-1', [ev('Deposited', { amount: '6' })], 1n);
      const again = await store.append('acc-1', events, 0n);
      expect(again.duplicate).to.equal(true);
      expect(again.events).to.deep.equal(first.events);
      expect(client.log).to.have.length(3);
    });

    it('a partial overlap → DuplicateEventIdError', async () => {
      const a = ev('A');
      const b = ev('B');
      await store.append('s', [a], 'no_stream');
      expect(await rejection(store.append('s', [a, b], 'any'))).to.be.instanceOf(DuplicateEventIdError);
      expect(await rejection(store.append('s', [b, a], 'any'))).to.be.instanceOf(DuplicateEventIdError);
      expect(client.log).to.have.length(1);
    });
  });

  describe('readAll, headPosition, subscribeAll', () => {
    async function seed(): Promise<void> {
      client.raw('$stats-node', '$statsCollected');
      await store.append('acc-1', [ev('Opened'), ev('Deposited')], 'no_stream');
      client.raw('$settings', 'Settings');
      client.raw('acc-1-links', '$>');
      client.raw('foreign', 'Thing', { x: 1 }, { not: 'ours' });
      await store.append('acc-2', [ev('Opened')], 'no_stream');
      client.raw('$stats-node', '$statsCollected');
    }

    it('readAll returns ledger events only, in position order', async () => {
      await seed();
      const all = await store.readAll({ fromPosition: 0n, max: 100 });
      expect(all.map((e) => `${e.stream_id}:${e.type}`)).to.deep.equal(['acc-1:Opened', 'acc-1:Deposited', 'acc-2:Opened']);
      const positions = all.map((e) => e.position);
      expect(positions).to.deep.equal([...positions].sort((x, y) => (x < y ? -1 : 1)));
    });

    it('readAll is exclusive of fromPosition and honours max across pages', async () => {
      await seed();
      const all = await store.readAll({ fromPosition: 0n, max: 100 });
      const afterFirst = await store.readAll({ fromPosition: all[0]!.position, max: 100 });
      expect(afterFirst.map((e) => e.event_id)).to.deep.equal(all.slice(1).map((e) => e.event_id));
      const one = await store.readAll({ fromPosition: all[0]!.position, max: 1 });
      expect(one.map((e) => e.event_id)).to.deep.equal([all[1]!.event_id]);
      // Past several system events (page size 3 in these tests).
      const afterSecond = await store.readAll({ fromPosition: all[1]!.position, max: 100 });
      expect(afterSecond.map((e) => e.event_id)).to.deep.equal([all[2]!.event_id]);
      expect(await store.readAll({ fromPosition: all[2]!.position, max: 100 })).to.deep.equal([]);
      expect(await store.readAll({ fromPosition: 0n, max: 0 })).to.deep.equal([]);
    });

    it('readAll pages through long runs of system events', async () => {
      await store.append('acc-1', [ev('Opened')], 'no_stream');
      for (let i = 0; i < 10; i++) client.raw('$stats-node', '$statsCollected');
      await store.append('acc-1', [ev('Deposited')], 0n);
      const all = await store.readAll({ fromPosition: 0n, max: 10 });
      expect(all.map((e) => e.type)).to.deep.equal(['Opened', 'Deposited']);
    });

    it('headPosition is the newest ledger event, skipping system events; 0n when empty', async () => {
      expect(await store.headPosition()).to.equal(0n);
      client.raw('$stats-node', '$statsCollected');
      expect(await store.headPosition()).to.equal(0n);
      await seed();
      for (let i = 0; i < 7; i++) client.raw('$stats-node', '$statsCollected');
      const all = await store.readAll({ fromPosition: 0n, max: 100 });
      expect(await store.headPosition()).to.equal(all.at(-1)!.position);
    });

    it('subscribeAll catches up, goes live, excludes system events and is exclusive', async () => {
      await seed();
      const all = await store.readAll({ fromPosition: 0n, max: 100 });
      const subscription = store.subscribeAll({ fromPosition: all[0]!.position });
      const iterator = subscription[Symbol.asyncIterator]();
      const caughtUp = await take({ [Symbol.asyncIterator]: () => iterator }, 2);
      expect(caughtUp.map((e) => e.event_id)).to.deep.equal([all[1]!.event_id, all[2]!.event_id]);
      // The server filter asked for no system event types.
      expect(client.subscriptionOptions[0]!.filter?.regex).to.equal('^[^$].*');

      client.raw('$stats-node', 'Stats');
      const live = await store.append('acc-3', [ev('Opened')], 'no_stream');
      const next = await take({ [Symbol.asyncIterator]: () => iterator }, 1);
      expect(next.map((e) => e.event_id)).to.deep.equal([live.events[0]!.event_id]);
      expect(next[0]!.position).to.equal(live.position);

      await subscription.close();
      const done = await iterator.next();
      expect(done.done).to.equal(true);
    });

    it('close() ends a subscription that is waiting for events', async () => {
      await store.append('acc-1', [ev('Opened')], 'no_stream');
      const subscription = store.subscribeAll({ fromPosition: 0n });
      const iterator = subscription[Symbol.asyncIterator]();
      expect((await iterator.next()).value.type).to.equal('Opened');
      const pending = iterator.next();
      await subscription.close();
      expect((await pending).done).to.equal(true);
    });

    it('a subscription closed before iterating yields nothing; store.close() disposes the client', async () => {
      await store.append('acc-1', [ev('Opened')], 'no_stream');
      const subscription = store.subscribeAll({ fromPosition: 0n });
      await subscription.close();
      expect(await take(subscription, 1)).to.deep.equal([]);
      await store.close();
      expect(client.disposed).to.equal(true);
    });
  });

  it('readStream refuses events in a ledger stream that the adapter did not write', async () => {
    const event = ev('Opened');
    client.raw('acc-1', 'Opened', {}, toEsdbEvent(event, { prev_hash: GENESIS_HASH, hash: 'x' }).metadata);
    expect(await rejection(store.readStream('acc-1'))).to.be.instanceOf(TypeError);
  });
});
