import { expect } from 'chai';
import {
  AccessDeniedError,
  StreamDeletedError,
  StreamNotFoundError as EsdbStreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  DuplicateEventIdError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '../../../src/eventstore/errors.js';
import { contentDigest, GENESIS_HASH, linkHash, verifyChain } from '../../../src/eventstore/hash-chain.js';
import type { RecordedEvent } from '../../../src/eventstore/port.js';
import type { EsdbResolvedEvent } from '../../../src/eventstore/eventstoredb/client.js';
import {
  assertAppendable,
  chainEvents,
  checkDuplicate,
  checkExpected,
  isLedgerEvent,
  isSystemEvent,
  mapEsdbError,
  toEsdbEvent,
  toEsdbExpectedRevision,
  toReadPosition,
  toRecordedEvent,
} from '../../../src/eventstore/eventstoredb/mapping.js';
import { ev, metadata } from './helpers.js';

/** What the server hands back for an event written as `toEsdbEvent` built it (JSON round trip). */
function stored(stream: string, revision: bigint, written: ReturnType<typeof toEsdbEvent>, commit: bigint): EsdbResolvedEvent {
  return {
    event: {
      streamId: stream,
      id: written.id,
      revision,
      type: written.type,
      created: new Date('2026-02-03T04:05:06.007Z'),
      isJson: true,
      data: JSON.parse(JSON.stringify(written.data)),
      metadata: JSON.parse(JSON.stringify(written.metadata)),
      position: { commit, prepare: commit },
    },
  };
}

function recordedChain(stream: string, n: number): RecordedEvent[] {
  const events = Array.from({ length: n }, (_, i) => ev('Deposited', { amount: String(i * 100) }));
  return chainEvents(stream, events, undefined).map((c, i) =>
    toRecordedEvent(stored(stream, c.revision, toEsdbEvent(c.event, c.link), BigInt(500 + i * 10))),
  );
}

describe('eventstoredb mapping', () => {
  describe('NewEvent ⇄ ESDB event', () => {
    it('round-trips id, type, data, metadata, chain, revision, position and created', () => {
      const event = ev('Deposited', { amount: '1250', currency: 'EUR', tags: ['a', 'b'], nested: { x: null } });
      const link = { prev_hash: 'a'.repeat(64), hash: 'b'.repeat(64) };
      const written = toEsdbEvent(event, link);
      expect(written.id).to.equal(event.event_id);
      expect(written.contentType).to.equal('application/json');
      expect(written.metadata.$correlationId).to.equal('corr-1');
      expect(written.metadata.$causationId).to.equal('cause-1');
      expect(written.metadata.$chain).to.deep.equal({ v: 1, prev_hash: link.prev_hash, hash: link.hash });

      const back = toRecordedEvent(stored('acc-1', 7n, written, 4242n));
      expect(back).to.deep.equal({
        ...event,
        stream_id: 'acc-1',
        revision: 7n,
        position: 4242n,
        recorded_at: new Date('2026-02-03T04:05:06.007Z'),
        prev_hash: link.prev_hash,
        hash: link.hash,
      });
      // The metadata comes back exactly as written, so the digest recomputes.
      expect(contentDigest('acc-1', back)).to.equal(contentDigest('acc-1', event));
    });

    it('omits $causationId when there is no causation', () => {
      const written = toEsdbEvent({ ...ev('Opened'), metadata: { ...metadata, causation_id: null } }, {
        prev_hash: GENESIS_HASH,
        hash: 'c'.repeat(64),
      });
      expect(written.metadata).to.not.have.property('$causationId');
      const back = toRecordedEvent(stored('s', 0n, written, 1n));
      expect(back.metadata.causation_id).to.equal(null);
    });

    it('falls back to the commit position of the entry, then to the given fallback', () => {
      const written = toEsdbEvent(ev('Opened'), { prev_hash: GENESIS_HASH, hash: 'c'.repeat(64) });
      const entry = stored('s', 0n, written, 9n);
      delete entry.event!.position;
      expect(toRecordedEvent(entry, 77n).position).to.equal(77n);
      expect(toRecordedEvent({ ...entry, commitPosition: 55n }).position).to.equal(55n);
    });

    it('refuses entries the adapter did not write', () => {
      const foreign: EsdbResolvedEvent = {
        event: {
          streamId: 'other', id: 'x', revision: 0n, type: 'Thing', created: new Date(), isJson: true,
          data: {}, metadata: { something: 1 },
        },
      };
      expect(isLedgerEvent(foreign.event!)).to.equal(false);
      expect(() => toRecordedEvent(foreign)).to.throw(TypeError, /not written by the ledger adapter/);
      expect(() => toRecordedEvent({})).to.throw(TypeError, /without an event/);
      const binary = { ...foreign.event!, isJson: false, data: new Uint8Array([1]) };
      expect(isLedgerEvent(binary)).to.equal(false);
    });

    it('recognises system events by stream or by type', () => {
      expect(isSystemEvent({ streamId: '$stats-127.0.0.1:2113', type: 'Stats' })).to.equal(true);
      expect(isSystemEvent({ streamId: 'acc-1', type: '$>' })).to.equal(true);
      expect(isSystemEvent({ streamId: 'acc-1', type: 'Deposited' })).to.equal(false);
    });
  });

  describe('hash chain', () => {
    it('links events so that verifyChain passes after the round trip', () => {
      const events = recordedChain('acc-9', 5);
      expect(events[0]!.prev_hash).to.equal(GENESIS_HASH);
      expect(events[3]!.prev_hash).to.equal(events[2]!.hash);
      expect(verifyChain(events)).to.deep.equal([]);
    });

    it('continues from the head of an existing stream', () => {
      const events = [ev('A'), ev('B')];
      const chained = chainEvents('s', events, { revision: 4n, hash: 'd'.repeat(64) });
      expect(chained.map((c) => c.revision)).to.deep.equal([5n, 6n]);
      expect(chained[0]!.link.prev_hash).to.equal('d'.repeat(64));
      expect(chained[0]!.link.hash).to.equal(linkHash('d'.repeat(64), 5n, contentDigest('s', events[0]!)));
      expect(chained[1]!.link.prev_hash).to.equal(chained[0]!.link.hash);
    });

    it('detects a tampered payload', () => {
      const events = recordedChain('acc-9', 4);
      events[1] = { ...events[1]!, data: { amount: '999999' } };
      expect(verifyChain(events).map((b) => [b.revision, b.kind])).to.deep.equal([[1n, 'hash_mismatch']]);
    });
  });

  describe('validation', () => {
    it('refuses what the SQL adapter refuses', () => {
      expect(() => assertAppendable('s', [])).to.throw(RangeError, /at least one/);
      expect(() => assertAppendable('$system', [ev('A')])).to.throw(RangeError, /invalid stream/);
      expect(() => assertAppendable('', [ev('A')])).to.throw(RangeError, /invalid stream/);
      expect(() => assertAppendable('s', [ev('A', {}, 'not-a-uuid')])).to.throw(RangeError, /uuid/);
      const a = ev('A');
      expect(() => assertAppendable('s', [a, { ...a, type: 'B' }])).to.throw(RangeError, /twice/);
      expect(() => assertAppendable('s', [ev('A'), ev('B')])).to.not.throw();
    });

    it('refuses $-types and $-metadata keys, which would not round-trip', () => {
      expect(() => assertAppendable('s', [ev('$>')])).to.throw(RangeError, /event type/);
      const bad = { ...ev('A'), metadata: { ...metadata, $chain: 'x' } as typeof metadata };
      expect(() => assertAppendable('s', [bad])).to.throw(RangeError, /reserved/);
    });
  });

  describe('expected revision', () => {
    it('maps onto the client vocabulary', () => {
      expect(toEsdbExpectedRevision('any')).to.equal('any');
      expect(toEsdbExpectedRevision('no_stream')).to.equal('no_stream');
      expect(toEsdbExpectedRevision('stream_exists')).to.equal('stream_exists');
      expect(toEsdbExpectedRevision(12n)).to.equal(12n);
      expect(() => toEsdbExpectedRevision(-1n)).to.throw(RangeError);
    });

    it('checks against the current head', () => {
      expect(() => checkExpected('s', 'any', undefined)).to.not.throw();
      expect(() => checkExpected('s', 'any', 3n)).to.not.throw();
      expect(() => checkExpected('s', 'no_stream', undefined)).to.not.throw();
      expect(() => checkExpected('s', 'stream_exists', 0n)).to.not.throw();
      expect(() => checkExpected('s', 3n, 3n)).to.not.throw();
      const cases: [Parameters<typeof checkExpected>[1], bigint | undefined, bigint | 'no_stream'][] = [
        ['no_stream', 2n, 2n],
        ['stream_exists', undefined, 'no_stream'],
        [1n, 2n, 2n],
        [0n, undefined, 'no_stream'],
      ];
      for (const [expected, head, actual] of cases) {
        try {
          checkExpected('s', expected, head);
          expect.fail(`expected ${String(expected)} at ${String(head)} should fail`);
        } catch (error) {
          expect(error).to.be.instanceOf(WrongExpectedRevisionError);
          expect((error as WrongExpectedRevisionError).actual).to.equal(actual);
          expect((error as WrongExpectedRevisionError).expected).to.equal(expected);
        }
      }
    });
  });

  describe('positions', () => {
    it('0 reads from the start; others from that commit position', () => {
      expect(toReadPosition(0n)).to.equal('start');
      expect(toReadPosition(1234n)).to.deep.equal({ commit: 1234n, prepare: 1234n });
      expect(() => toReadPosition(-1n)).to.throw(RangeError);
    });
  });

  describe('duplicates', () => {
    const tail = recordedChain('s', 4);
    const asNew = (e: RecordedEvent) => ({ event_id: e.event_id, type: e.type, data: e.data, metadata: e.metadata });

    it('a new first id is a new append', () => {
      expect(checkDuplicate('s', [ev('X')], tail)).to.deep.equal({ kind: 'new' });
    });

    it('ids stored in order are a retry, answered with the stored events', () => {
      const result = checkDuplicate('s', [asNew(tail[1]!), asNew(tail[2]!)], tail);
      expect(result.kind).to.equal('duplicate');
      expect(result.kind === 'duplicate' && result.events.map((e) => e.revision)).to.deep.equal([1n, 2n]);
    });

    it('partial overlaps are DuplicateEventIdError', () => {
      const extra = ev('X');
      expect(() => checkDuplicate('s', [asNew(tail[3]!), extra], tail)).to.throw(DuplicateEventIdError);
      expect(() => checkDuplicate('s', [extra, asNew(tail[0]!)], tail)).to.throw(DuplicateEventIdError);
      expect(() => checkDuplicate('s', [asNew(tail[0]!), asNew(tail[2]!)], tail)).to.throw(DuplicateEventIdError);
    });
  });

  describe('errors of the real client', () => {
    it('WrongExpectedVersionError → WrongExpectedRevisionError with the actual revision', () => {
      const esdb = new WrongExpectedVersionError(undefined, { streamName: 'acc-1', expected: 1n, current: 5n });
      const mapped = mapEsdbError(esdb, 'acc-1', 1n);
      expect(mapped).to.be.instanceOf(WrongExpectedRevisionError);
      expect((mapped as WrongExpectedRevisionError).actual).to.equal(5n);
      expect((mapped as WrongExpectedRevisionError).expected).to.equal(1n);
      expect((mapped as WrongExpectedRevisionError).stream).to.equal('acc-1');
    });

    it('WrongExpectedVersionError on a missing stream → actual no_stream', () => {
      const esdb = new WrongExpectedVersionError(undefined, { streamName: 'acc-1', expected: 'stream_exists', current: 'no_stream' });
      const mapped = mapEsdbError(esdb, 'acc-1', 'stream_exists') as WrongExpectedRevisionError;
      expect(mapped).to.be.instanceOf(WrongExpectedRevisionError);
      expect(mapped.actual).to.equal('no_stream');
    });

    it('StreamNotFoundError and StreamDeletedError → StreamNotFoundError', () => {
      const notFound = mapEsdbError(new EsdbStreamNotFoundError(undefined, 'acc-2'), 'acc-2', 'any');
      expect(notFound).to.be.instanceOf(StreamNotFoundError);
      expect((notFound as StreamNotFoundError).stream).to.equal('acc-2');
      const deleted = mapEsdbError(StreamDeletedError.fromStreamName('acc-3'), 'acc-3', 'any');
      expect(deleted).to.be.instanceOf(StreamNotFoundError);
      expect((deleted as StreamNotFoundError).stream).to.equal('acc-3');
    });

    it('other errors pass through unchanged', () => {
      const denied = new AccessDeniedError();
      expect(mapEsdbError(denied, 's', 'any')).to.equal(denied);
      const plain = new Error('boom');
      expect(mapEsdbError(plain, 's', 'any')).to.equal(plain);
    });
  });
});
