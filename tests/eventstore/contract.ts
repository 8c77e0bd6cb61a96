import { expect } from 'chai';
import { DuplicateEventIdError, WrongExpectedRevisionError } from '../../src/eventstore/errors.js';
import { contentDigest, GENESIS_HASH, linkHash, verifyChain } from '../../src/eventstore/hash-chain.js';
import type { EventStore, ExpectedRevision, NewEvent, RecordedEvent } from '../../src/eventstore/port.js';
import {
  collect,
  metadata,
  newEvent,
  newEvents,
  readAllFrom,
  rejection,
  streamName,
  waitFor,
  type Tamper,
} from './support.js';
import { describeMultiStreamContract } from './multi-stream-contract.js';

export type { Tamper } from './support.js';

/** An append left inside an open transaction on its own connection. */
export interface HeldAppend {
  positions: bigint[];
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export interface OpenedStore {
  store: EventStore;
  /** Direct row edits; undefined where the store cannot be edited behind its back (EventStoreDB). */
  tamper: Tamper | undefined;
  cleanup: () => Promise<void>;
  /** Only where several connections exist (PostgreSQL): starts an append and leaves it uncommitted. */
  holdAppend?: (stream: string, events: NewEvent[]) => Promise<HeldAppend>;
}

const ids = (events: readonly { event_id: string }[]) => events.map((e) => e.event_id);
const revisions = (events: readonly RecordedEvent[]) => events.map((e) => e.revision);
const positions = (events: readonly RecordedEvent[]) => events.map((e) => e.position);

function expectStrictlyIncreasing(values: readonly bigint[], what: string): void {
  for (let i = 1; i < values.length; i++) {
    if (!(values[i]! > values[i - 1]!)) {
      expect.fail(`${what}: ${values[i - 1]} at index ${i - 1} is followed by ${values[i]}`);
    }
  }
}

function expectWrongRevision(error: unknown, stream: string, expected: ExpectedRevision, actual: bigint | 'no_stream'): void {
  expect(error).to.be.instanceOf(WrongExpectedRevisionError);
  const e = error as WrongExpectedRevisionError;
  expect(e.stream).to.equal(stream);
  expect(e.expected).to.equal(expected);
  expect(e.actual).to.equal(actual);
}

/**
 * The behaviour every EventStore adapter must share. `open` is called once for
 * the suite; tests use their own streams, and never run concurrently with each
 * other, so "nothing else appends meanwhile" holds inside a test.
 */
export function describeEventStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`event store contract: ${name}`, function () {
    this.timeout(30_000);
    let opened: OpenedStore;
    let store: EventStore;

    before(async function () {
      this.timeout(60_000);
      opened = await open();
      store = opened.store;
    });

    after(async function () {
      this.timeout(30_000);
      await opened?.cleanup();
    });

    function tamperOrSkip(ctx: Mocha.Context): Tamper {
      if (opened.tamper === undefined) ctx.skip();
      return opened.tamper!;
    }

    /**
     * Appends a probe event and waits until readers see it. Readers of the SQL
     * stores lag behind commits while any transaction in the cluster is older
     * (commit-safe positions), so "the head now" is only exact once settled.
     */
    async function settledHead(): Promise<bigint> {
      const probe = await store.append(streamName('probe'), newEvents(1), 'no_stream');
      await waitFor(async () => (await store.headPosition()) >= probe.position, 'readers to see the probe event');
      return probe.position;
    }

    /** Runs `action` and proves it stored nothing: nothing lies between a probe before and one after. */
    async function writesNothing<T>(action: () => Promise<T>): Promise<T> {
      const before = await settledHead();
      const result = await action();
      const after = await settledHead();
      const between = await store.readAll({ fromPosition: before, max: 100 });
      expect(positions(between), 'events stored by a refused or duplicate append').to.deep.equal([after]);
      return result;
    }

    describeMultiStreamContract(name, () => store, () => opened.holdAppend);

    describe('append and read', () => {
      let stream: string;
      let written: NewEvent[];
      let recorded: RecordedEvent[];

      before(async () => {
        stream = streamName('basics');
        written = [
          newEvent('AccountOpened', { owner: 'Zoë Ångström', currency: 'EUR', tags: ['a', 'b'], nested: { limit: '100000', ok: true, none: null, n: 3 } }),
          newEvent('Deposited', { amount: '12345' }),
          newEvent('Withdrawn', { amount: '5' }, metadata({ causation_id: 'cause-1', actor: { user_id: null, role: 'system', ip: null } })),
          newEvent('Deposited', { amount: '7' }),
          newEvent('Frozen', {}),
        ];
        const first = await store.append(stream, written.slice(0, 2), 'no_stream');
        expect(first.duplicate).to.equal(false);
        expect(first.next_revision).to.equal(1n);
        expect(revisions(first.events)).to.deep.equal([0n, 1n]);
        expect(first.position).to.equal(first.events[1]!.position);
        const second = await store.append(stream, written.slice(2), 1n);
        expect(second.duplicate).to.equal(false);
        expect(second.next_revision).to.equal(4n);
        expect(revisions(second.events)).to.deep.equal([2n, 3n, 4n]);
        expect(second.position).to.equal(second.events[2]!.position);
        recorded = [...first.events, ...second.events];
      });

      it('numbers revisions from 0 and positions strictly upwards', async () => {
        const events = await store.readStream(stream);
        expect(ids(events)).to.deep.equal(ids(written));
        expect(revisions(events)).to.deep.equal([0n, 1n, 2n, 3n, 4n]);
        expect(positions(events)).to.deep.equal(positions(recorded));
        expect(events[0]!.position > 0n).to.equal(true);
        expectStrictlyIncreasing(positions(events), 'positions');
        for (const e of events) expect(e.stream_id).to.equal(stream);
      });

      it('round-trips type, data and metadata exactly, and records when', async () => {
        const events = await store.readStream(stream);
        const now = Date.now();
        events.forEach((e, i) => {
          expect(e.type).to.equal(written[i]!.type);
          expect(e.data).to.deep.equal(written[i]!.data);
          expect(e.metadata).to.deep.equal(written[i]!.metadata);
          expect(e.recorded_at).to.be.instanceOf(Date);
          expect(Number.isNaN(e.recorded_at.getTime())).to.equal(false);
          expect(Math.abs(e.recorded_at.getTime() - now)).to.be.lessThan(5 * 60_000);
        });
        expectStrictlyIncreasing(events.map((e) => BigInt(e.recorded_at.getTime()) * 1000n + e.revision), 'recorded_at');
      });

      it('reads forwards from a revision, with max', async () => {
        expect(revisions(await store.readStream(stream, { from: 2n }))).to.deep.equal([2n, 3n, 4n]);
        expect(revisions(await store.readStream(stream, { from: 'start', max: 2 }))).to.deep.equal([0n, 1n]);
        expect(revisions(await store.readStream(stream, { from: 1n, max: 2 }))).to.deep.equal([1n, 2n]);
        expect(revisions(await store.readStream(stream, { from: 4n }))).to.deep.equal([4n]);
        expect(await store.readStream(stream, { from: 5n })).to.deep.equal([]);
      });

      it('reads backwards from the end and from a revision, with max', async () => {
        expect(revisions(await store.readStream(stream, { direction: 'backwards' }))).to.deep.equal([4n, 3n, 2n, 1n, 0n]);
        expect(revisions(await store.readStream(stream, { direction: 'backwards', from: 'end', max: 2 }))).to.deep.equal([4n, 3n]);
        expect(revisions(await store.readStream(stream, { direction: 'backwards', from: 2n }))).to.deep.equal([2n, 1n, 0n]);
        expect(revisions(await store.readStream(stream, { direction: 'backwards', from: 3n, max: 1 }))).to.deep.equal([3n]);
      });

      it('reads all from an exclusive position, with max, and the head position', async () => {
        await waitFor(async () => (await store.headPosition()) >= recorded[4]!.position, 'readers to see the appends');
        const after0 = await store.readAll({ fromPosition: recorded[0]!.position, max: 100 });
        expect(ids(after0)).to.deep.equal(ids(written.slice(1)));
        expect(positions(after0)).to.deep.equal(positions(recorded.slice(1)));
        const two = await store.readAll({ fromPosition: recorded[1]!.position, max: 2 });
        expect(ids(two)).to.deep.equal(ids(written.slice(2, 4)));
        expect(await store.readAll({ fromPosition: recorded[4]!.position, max: 100 })).to.deep.equal([]);
        expect(await store.headPosition()).to.equal(recorded[4]!.position);
        // Without the chain: the same events, the SQL stores leaving the chain out.
        const unchained = await store.readAll({ fromPosition: recorded[0]!.position, max: 100, chain: false });
        const withoutChain = (events: RecordedEvent[]) => events.map(({ prev_hash: _p, hash: _h, ...e }) => ({ ...e, recorded_at: e.recorded_at.getTime() }));
        expect(withoutChain(unchained)).to.deep.equal(withoutChain(after0));
        if (store.kind === 'postgres' || store.kind === 'pglite') expect(unchained.every((e) => e.prev_hash === '' && e.hash === '')).to.equal(true);
        // readAll hands out the very same envelope as readStream.
        const viaStream = await store.readStream(stream, { from: 1n });
        expect(after0.map((e) => ({ ...e, recorded_at: e.recorded_at.getTime() }))).to.deep.equal(
          viaStream.map((e) => ({ ...e, recorded_at: e.recorded_at.getTime() })),
        );
      });

      it('orders revisions and positions as numbers, past 9, 99 and 999', async function () {
        this.timeout(30_000);
        const s = streamName('long');
        const headBefore = await settledHead();
        // 25 events in 5 appends: revisions 0..24 (text order would put 10 before 2).
        let expected: ExpectedRevision = 'no_stream';
        for (let i = 0; i < 5; i++) expected = (await store.append(s, newEvents(5), expected)).next_revision;
        const all = Array.from({ length: 25 }, (_, i) => BigInt(i));
        expect(revisions(await store.readStream(s))).to.deep.equal(all);
        expect(revisions(await store.readStream(s, { direction: 'backwards' }))).to.deep.equal([...all].reverse());
        expect(revisions(await store.readStream(s, { from: 8n, max: 4 }))).to.deep.equal([8n, 9n, 10n, 11n]);
        expect(revisions(await store.readStream(s, { direction: 'backwards', from: 11n, max: 4 }))).to.deep.equal([11n, 10n, 9n, 8n]);
        // Enough events that positions cross at least one power of ten, read in small pages.
        const filler = streamName('filler');
        const head = await settledHead();
        // (Positions far from a power of ten, as with EventStoreDB's log offsets, just get a few more.)
        const toNextPower = Number(10n ** BigInt(head.toString().length) - head) + 3;
        const toAdd = toNextPower <= 300 ? toNextPower : 10;
        let fillerExpected: ExpectedRevision = 'no_stream';
        let last = 0n;
        for (let left = toAdd; left > 0; left -= 50) {
          const r = await store.append(filler, newEvents(Math.min(50, left)), fillerExpected);
          fillerExpected = r.next_revision;
          last = r.position;
        }
        await waitFor(async () => (await store.headPosition()) >= last, 'readers to see the filler');
        const paged: RecordedEvent[] = [];
        for (let from = headBefore; ; ) {
          const page = await store.readAll({ fromPosition: from, max: 7 });
          if (page.length === 0) break;
          paged.push(...page);
          from = page[page.length - 1]!.position;
        }
        expect(paged).to.have.length(25 + 1 + toAdd);
        expectStrictlyIncreasing(positions(paged), 'readAll positions');
        expect(await store.headPosition()).to.equal(paged[paged.length - 1]!.position);
      });

      it('reads nothing (or StreamNotFoundError) for a stream never written', async () => {
        let result: RecordedEvent[] | undefined;
        try {
          result = await store.readStream(streamName('never'));
        } catch (error) {
          expect((error as Error).name).to.equal('StreamNotFoundError');
          return;
        }
        expect(result).to.deep.equal([]);
      });
    });

    describe('expected revision', () => {
      async function twoEventStream(): Promise<string> {
        const s = streamName('expect');
        await store.append(s, newEvents(2), 'no_stream');
        return s;
      }

      /** Runs a refused append and checks it left the store as it was. */
      async function refused(s: string, events: NewEvent[], expected: ExpectedRevision): Promise<unknown> {
        const before = await store.readStream(s).catch(() => []);
        const error = await writesNothing(() => rejection(store.append(s, events, expected)));
        expect(ids(await store.readStream(s).catch(() => []))).to.deep.equal(ids(before));
        return error;
      }

      it('no_stream on an existing stream fails with the actual revision and writes nothing', async () => {
        const s = await twoEventStream();
        const events = newEvents(2);
        expectWrongRevision(await refused(s, events, 'no_stream'), s, 'no_stream', 1n);
        // The refused ids were not stored anywhere: they can still be appended.
        const ok = await store.append(s, events, 1n);
        expect(ok.duplicate).to.equal(false);
        expect(revisions(ok.events)).to.deep.equal([2n, 3n]);
      });

      it('stream_exists on a missing stream fails', async () => {
        const s = streamName('missing');
        expectWrongRevision(await refused(s, newEvents(1), 'stream_exists'), s, 'stream_exists', 'no_stream');
      });

      it('a bigint revision on a missing stream fails', async () => {
        const s = streamName('missing');
        expectWrongRevision(await refused(s, newEvents(1), 0n), s, 0n, 'no_stream');
      });

      it('a stale or future bigint fails with the actual revision', async () => {
        const s = await twoEventStream();
        expectWrongRevision(await refused(s, newEvents(1), 0n), s, 0n, 1n);
        expectWrongRevision(await refused(s, newEvents(3), 5n), s, 5n, 1n);
      });

      it('the current revision, stream_exists and any succeed', async () => {
        const s = await twoEventStream();
        expect((await store.append(s, newEvents(1), 1n)).next_revision).to.equal(2n);
        expect((await store.append(s, newEvents(1), 'stream_exists')).next_revision).to.equal(3n);
        expect((await store.append(s, newEvents(2), 'any')).next_revision).to.equal(5n);
        const fresh = streamName('any');
        const r = await store.append(fresh, newEvents(1), 'any');
        expect(r.next_revision).to.equal(0n);
        expect(revisions(await store.readStream(s))).to.deep.equal([0n, 1n, 2n, 3n, 4n, 5n]);
      });

      it('two writers racing for the same revision: exactly one wins, every time', async function () {
        this.timeout(30_000);
        for (let round = 0; round < 20; round++) {
          const s = streamName('race');
          // Half the rounds race for a new stream, half for revision 1 of an existing one.
          const expected: ExpectedRevision = round % 2 === 0 ? 'no_stream' : 0n;
          if (expected === 0n) await store.append(s, newEvents(1), 'no_stream');
          const a = newEvents(1);
          const b = newEvents(1);
          const outcomes = await Promise.allSettled([store.append(s, a, expected), store.append(s, b, expected)]);
          const won = outcomes.filter((o) => o.status === 'fulfilled');
          const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
          expect(won, `round ${round}: winners`).to.have.length(1);
          expect(lost, `round ${round}: losers`).to.have.length(1);
          const at = expected === 'no_stream' ? 0n : 1n;
          expectWrongRevision(lost[0]!.reason, s, expected, at);
          const winnerIds = outcomes[0]!.status === 'fulfilled' ? ids(a) : ids(b);
          const events = await store.readStream(s);
          expect(events, `round ${round}: stream length`).to.have.length(Number(at) + 1);
          expect(events[Number(at)]!.event_id).to.equal(winnerIds[0]);
          expect(events[Number(at)]!.revision).to.equal(at);
        }
      });
    });

    describe('idempotent re-append', () => {
      it('the same events again return the original result and write nothing', async () => {
        const s = streamName('idem');
        const events = newEvents(3);
        const first = await store.append(s, events, 'no_stream');
        for (const expected of ['no_stream', 'any', 'stream_exists', 2n, 0n, 7n] as ExpectedRevision[]) {
          const again = await writesNothing(() => store.append(s, events, expected));
          expect(again.duplicate, `expected ${String(expected)}`).to.equal(true);
          expect(again.next_revision).to.equal(first.next_revision);
          expect(again.position).to.equal(first.position);
          expect(revisions(again.events)).to.deep.equal(revisions(first.events));
          expect(positions(again.events)).to.deep.equal(positions(first.events));
          expect(ids(again.events)).to.deep.equal(ids(events));
        }
        expect(ids(await store.readStream(s))).to.deep.equal(ids(events));
        // The stream goes on normally afterwards.
        const next = await store.append(s, newEvents(1), 2n);
        expect(next.duplicate).to.equal(false);
        expect(next.next_revision).to.equal(3n);
      });

      it('a retry decided anew reports the stored payload and hashes, not its own', async () => {
        const s = streamName('idem');
        const stored = newEvents(2);
        const first = await store.append(s, stored, 'no_stream');
        const redecided = stored.map((e) => ({ ...e, data: { ...e.data, balance_after: 'changed' } }));
        const again = await store.append(s, redecided, 'any');
        expect(again.duplicate).to.equal(true);
        expect(again.events.map((e) => e.data)).to.deep.equal(stored.map((e) => e.data));
        expect(again.events.map((e) => e.hash)).to.deep.equal(first.events.map((e) => e.hash));
      });

      it('re-appending the tail of a stream is a duplicate too', async () => {
        const s = streamName('idem');
        const a = newEvents(2);
        const b = newEvents(2);
        await store.append(s, a, 'no_stream');
        const second = await store.append(s, b, 1n);
        const again = await store.append(s, b, 1n);
        expect(again.duplicate).to.equal(true);
        expect(positions(again.events)).to.deep.equal(positions(second.events));
        expect(revisions(again.events)).to.deep.equal([2n, 3n]);
        expect(await store.readStream(s)).to.have.length(4);
      });

      it('an event id already stored in another stream is refused with DuplicateEventIdError', async () => {
        const s1 = streamName('owner');
        const s2 = streamName('thief');
        const [e1, e2] = newEvents(2) as [NewEvent, NewEvent];
        await store.append(s1, [e1, e2], 'no_stream');
        const error = await writesNothing(() => rejection(store.append(s2, [e1], 'no_stream')));
        expect(error).to.be.instanceOf(DuplicateEventIdError);
        expect((error as DuplicateEventIdError).eventId).to.equal(e1.event_id);
        expect((error as DuplicateEventIdError).stream).to.equal(s2);
        expect(await store.readStream(s2).catch(() => [])).to.deep.equal([]);
        expect(ids(await store.readStream(s1))).to.deep.equal([e1.event_id, e2.event_id]);
      });

      it('an event id from another stream inside a batch is refused with DuplicateEventIdError', async () => {
        const s1 = streamName('owner');
        const s2 = streamName('thief');
        const [e1, e2] = newEvents(2) as [NewEvent, NewEvent];
        await store.append(s1, [e1, e2], 'no_stream');
        const fresh = newEvent();
        for (const expected of ['no_stream', 'any'] as ExpectedRevision[]) {
          const error = await writesNothing(() => rejection(store.append(s2, [fresh, e2], expected)));
          expect(error, `expected ${String(expected)}`).to.be.instanceOf(DuplicateEventIdError);
          expect((error as DuplicateEventIdError).stream).to.equal(s2);
          expect((error as DuplicateEventIdError).eventId).to.equal(e2.event_id);
        }
        expect(await store.readStream(s2).catch(() => [])).to.deep.equal([]);
        // The fresh id was not stored: it can go on its own.
        expect((await store.append(s2, [fresh], 'no_stream')).duplicate).to.equal(false);
      });

      it('a batch mixing a new event with one already in the stream is refused with DuplicateEventIdError', async () => {
        const s = streamName('partial');
        const [e1, e2] = newEvents(2) as [NewEvent, NewEvent];
        await store.append(s, [e1, e2], 'no_stream');
        const fresh = newEvent();
        for (const batch of [[fresh, e1], [e2, fresh]]) {
          const error = await writesNothing(() => rejection(store.append(s, batch, 'any')));
          expect(error).to.be.instanceOf(DuplicateEventIdError);
          expect((error as DuplicateEventIdError).stream).to.equal(s);
        }
        expect(ids(await store.readStream(s))).to.deep.equal([e1.event_id, e2.event_id]);
      });

      it('ten identical appends at once store one copy and all succeed', async () => {
        const s = streamName('idem-race');
        const events = newEvents(2);
        const headBefore = await settledHead();
        const results = await Promise.all(Array.from({ length: 10 }, () => store.append(s, events, 'no_stream')));
        expect(results.filter((r) => !r.duplicate), 'writers').to.have.length(1);
        for (const r of results) {
          expect(ids(r.events)).to.deep.equal(ids(events));
          expect(revisions(r.events)).to.deep.equal([0n, 1n]);
          expect(positions(r.events)).to.deep.equal(positions(results[0]!.events));
        }
        const stored = await store.readStream(s);
        expect(ids(stored)).to.deep.equal(ids(events));
        const last = results[0]!.position;
        await waitFor(async () => (await store.headPosition()) >= last, 'readers to see the append');
        expect(ids(await readAllFrom(store, headBefore))).to.deep.equal(ids(events));
      });
    });

    describe('hash chain', () => {
      async function chainOf(n: number): Promise<{ s: string; events: RecordedEvent[] }> {
        const s = streamName('chain');
        await store.append(s, newEvents(2), 'no_stream');
        await store.append(s, newEvents(n - 2), 1n);
        return { s, events: await store.readStream(s) };
      }

      const breaksOf = async (s: string) => verifyChain(await store.readStream(s)).map((b) => [b.revision, b.kind]);

      it('links every event to the one before, starting from GENESIS_HASH', async () => {
        const { events } = await chainOf(5);
        expect(events).to.have.length(5);
        expect(events[0]!.prev_hash).to.equal(GENESIS_HASH);
        let prev = GENESIS_HASH;
        for (const e of events) {
          expect(e.prev_hash).to.equal(prev);
          expect(e.hash).to.match(/^[0-9a-f]{64}$/);
          expect(e.hash).to.equal(linkHash(e.prev_hash, e.revision, contentDigest(e.stream_id, e)));
          prev = e.hash;
        }
        expect(verifyChain(events)).to.deep.equal([]);
      });

      it('the append result carries the same hashes as the stored events', async () => {
        const s = streamName('chain');
        const r = await store.append(s, newEvents(3), 'no_stream');
        const stored = await store.readStream(s);
        expect(r.events.map((e) => [e.prev_hash, e.hash])).to.deep.equal(stored.map((e) => [e.prev_hash, e.hash]));
      });

      it('an edited payload breaks its own hash', async function () {
        const tamper = tamperOrSkip(this);
        const { s, events } = await chainOf(4);
        await tamper.editData(events[2]!.event_id, { amount: '999999999' });
        expect(await breaksOf(s)).to.deep.equal([[2n, 'hash_mismatch']]);
      });

      it('a deleted middle event leaves a revision gap and a prev_hash mismatch', async function () {
        const tamper = tamperOrSkip(this);
        const { s, events } = await chainOf(4);
        await tamper.delete(events[1]!.event_id);
        expect(await breaksOf(s)).to.deep.equal([
          [2n, 'revision_gap'],
          [2n, 'prev_hash_mismatch'],
        ]);
      });

      it('two events with swapped content both fail', async function () {
        const tamper = tamperOrSkip(this);
        const { s, events } = await chainOf(4);
        await tamper.swap(events[1]!.event_id, events[2]!.event_id);
        const after = await store.readStream(s);
        expect(after[1]!.data).to.deep.equal(events[2]!.data);
        expect(await breaksOf(s)).to.deep.equal([
          [1n, 'hash_mismatch'],
          [2n, 'hash_mismatch'],
        ]);
      });
    });

    describe('input checks', () => {
      async function refusedInput(s: string, events: NewEvent[], pattern?: RegExp): Promise<void> {
        const error = await writesNothing(() => rejection(store.append(s, events, 'any')));
        expect(error).to.be.instanceOf(Error);
        if (pattern) expect((error as Error).message).to.match(pattern);
        expect(error).not.to.be.instanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(s).catch(() => [])).to.deep.equal([]);
      }

      it('refuses an empty append', async () => {
        await refusedInput(streamName('empty'), []);
      });

      it('refuses an event id that is not a uuid', async () => {
        const e = { ...newEvent(), event_id: 'not-a-uuid' };
        await refusedInput(streamName('bad-id'), [newEvent(), e], /uuid/i);
      });

      it('refuses the same event id twice in one append', async () => {
        const e = newEvent();
        await refusedInput(streamName('twice'), [e, newEvent(), { ...e }]);
      });

      it('refuses a stream name starting with $', async () => {
        await refusedInput(`$${streamName('system')}`, newEvents(1));
      });
    });

    describe('subscriptions', () => {
      it('from a non-zero position delivers only later events, in order; close() ends it', async () => {
        const s = streamName('sub');
        const a = await store.append(s, newEvents(3), 'no_stream');
        const from = a.events[1]!.position;
        const b = await store.append(s, newEvents(2), 2n);
        const sub = store.subscribeAll({ fromPosition: from, batchSize: 2 });
        const c = collect(sub);
        const want = [a.events[2]!, ...b.events];
        await waitFor(() => c.received.length >= want.length, 'the events after the start position');
        // Live delivery too: an append after the catch-up.
        const live = await store.append(s, newEvents(1), 4n);
        want.push(...live.events);
        await waitFor(() => c.received.length >= want.length, 'the live event');
        expect(ids(c.received)).to.deep.equal(ids(want));
        expect(positions(c.received)).to.deep.equal(positions(want));
        for (const e of c.received) expect(e.position > from).to.equal(true);
        await sub.close();
        await waitFor(c.ended, 'the iteration to end after close()', 5_000);
        expect(await c.done).to.equal(undefined);
      });

      it('close() ends an idle subscription that is waiting for events', async () => {
        const sub = store.subscribeAll({ fromPosition: await settledHead() });
        const c = collect(sub);
        // Let it reach the waiting state: an append shows up, then nothing more comes.
        const r = await store.append(streamName('idle'), newEvents(1), 'no_stream');
        await waitFor(() => c.received.length === 1, 'the one event');
        expect(c.received[0]!.event_id).to.equal(r.events[0]!.event_id);
        await sub.close();
        await waitFor(c.ended, 'the iteration to end after close()', 5_000);
        expect(await c.done).to.equal(undefined);
      });

      it('32 concurrent appenders: a subscriber from 0 sees every event once, in position order', async function () {
        this.timeout(60_000);
        const prefix = streamName('load');
        const sub = store.subscribeAll({ fromPosition: 0n, batchSize: 100 });
        const c = collect(sub);
        try {
          const appended = new Set<string>();

          // A marker shows the subscriber is live before anything else starts.
          const marker = await store.append(`${prefix}-marker`, newEvents(1), 'no_stream');
          marker.events.forEach((e) => appended.add(e.event_id));
          await waitFor(() => c.received.some((e) => e.event_id === marker.events[0]!.event_id), 'the marker event');

          let held: { stream: string; events: NewEvent[]; append: HeldAppend } | undefined;
          if (opened.holdAppend) {
            const events = newEvents(2);
            const stream = `${prefix}-held`;
            held = { stream, events, append: await opened.holdAppend(stream, events) };
            events.forEach((e) => appended.add(e.event_id));
          }

          const appender = async (i: number) => {
            const stream = `${prefix}-w${i}`;
            let expected: ExpectedRevision = 'no_stream';
            for (let round = 0; round < 25; round++) {
              const batch = newEvents((i + round) % 4 === 0 ? 3 : 1);
              const r = await store.append(stream, batch, expected);
              expect(r.duplicate).to.equal(false);
              expected = r.next_revision;
              batch.forEach((e) => appended.add(e.event_id));
            }
          };
          await Promise.all(Array.from({ length: 32 }, (_, i) => appender(i)));

          if (held) {
            const heldFirst = held.append.positions[0]!;
            // Later positions are committed, yet nothing above the uncommitted append may show.
            const stopAt = Date.now() + 300;
            while (Date.now() < stopAt) {
              const above = c.received.filter((e) => e.position > heldFirst);
              expect(above.map((e) => e.position), 'delivered past an uncommitted append').to.deep.equal([]);
              await new Promise((r) => setTimeout(r, 20));
            }
            expect((await store.headPosition()) < heldFirst, 'headPosition below the held append').to.equal(true);
            expect(await store.readAll({ fromPosition: heldFirst - 1n, max: 10 })).to.deep.equal([]);
            await held.append.commit();
          }

          try {
            await waitFor(
              () => c.received.filter((e) => e.stream_id.startsWith(prefix)).length >= appended.size,
              `all ${appended.size} appended events`,
              30_000,
            );
          } catch (error) {
            const seen = new Set(ids(c.received));
            const all = await readAllFrom(store, 0n);
            const missing = all.filter((e) => appended.has(e.event_id) && !seen.has(e.event_id));
            const last = c.received[c.received.length - 1];
            throw new Error(
              `${(error as Error).message}: received ${c.received.length} (last position ${last?.position}), ` +
                `readAll has ${all.length}, ${missing.length} appended events never delivered ` +
                `(positions ${missing.slice(0, 5).map((e) => e.position).join(', ')}...)`,
            );
          }

          const got = c.received;
          expectStrictlyIncreasing(positions(got), 'subscriber positions');
          expect(new Set(ids(got)).size, 'each event once').to.equal(got.length);
          const ours = got.filter((e) => e.stream_id.startsWith(prefix));
          expect(new Set(ids(ours))).to.deep.equal(appended);

          // No gaps: the subscriber saw exactly what readAll has over the same range.
          const all = (await readAllFrom(store, 0n)).filter((e) => e.position <= got[got.length - 1]!.position);
          expect(positions(got)).to.deep.equal(positions(all));
          expect(ids(got)).to.deep.equal(ids(all));

          // Per stream, revisions arrive 0, 1, 2, ... in order.
          const byStream = new Map<string, bigint[]>();
          for (const e of ours) byStream.set(e.stream_id, [...(byStream.get(e.stream_id) ?? []), e.revision]);
          for (const [stream, revs] of byStream) {
            expect(revs, stream).to.deep.equal(revs.map((_, i) => BigInt(i)));
          }

          if (held) {
            const heldIds = ids(held.events);
            const at = got.findIndex((e) => e.event_id === heldIds[0]);
            expect(at, 'held event delivered').to.be.greaterThan(-1);
            expect(ids(got.slice(at, at + 2))).to.deep.equal(heldIds);
            expect(positions(got.slice(at, at + 2))).to.deep.equal(held.append.positions);
            // Every writer's events came after the held one: they were positioned later.
            const writers = ours.filter((e) => /-w\d+$/.test(e.stream_id));
            for (const e of writers) expect(e.position > held.append.positions[1]!).to.equal(true);
            expect(ids(await store.readStream(held.stream))).to.deep.equal(heldIds);
          }
        } finally {
          await sub.close();
        }
        await waitFor(c.ended, 'the subscription to end', 5_000);
        expect(await c.done).to.equal(undefined);
      });
    });
  });
}
