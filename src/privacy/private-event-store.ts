import type { AppendResult, EventStore, ExpectedRevision, NewEvent, ReadAllOptions, ReadStreamOptions, RecordedEvent, StreamAppend, SubscribeAllOptions, Subscription } from '../eventstore/port.js';
import type { PersonalData } from './personal-data.js';

/**
 * The event store as the service uses it: every append seals the events'
 * personal fields first (so no clear personal data is ever stored). Reads
 * give the events as stored (sealed), which is what the hash chain covers and
 * what the audit views redact; `opened()` is the same store whose reads open
 * the personal data fields, for aggregates and projections.
 */
export class PrivateEventStore implements EventStore {
  readonly kind: EventStore['kind'];
  readonly atomicMultiStream: boolean;
  readonly onAppended?: EventStore['onAppended'];
  readonly readStreams?: EventStore['readStreams'];

  constructor(
    readonly inner: EventStore,
    readonly personal: PersonalData,
    private readonly openReads = false,
  ) {
    this.kind = inner.kind;
    this.atomicMultiStream = inner.atomicMultiStream && typeof inner.appendMany === 'function';
    if (inner.onAppended) this.onAppended = (listener) => inner.onAppended!(listener);
    if (inner.readStreams) this.readStreams = (reads, max) => this.openedLists(inner.readStreams!(reads, max));
  }

  /** This store with reads that open personal fields. */
  opened(): PrivateEventStore {
    return this.openReads ? this : new PrivateEventStore(this.inner, this.personal, true);
  }

  async append(stream: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const result = await this.inner.append(stream, await this.personal.seal(stream, events), expected);
    return this.asGiven(events, result);
  }

  async appendMany(appends: StreamAppend[]): Promise<AppendResult[]> {
    if (!this.inner.appendMany) throw new Error(`the ${this.kind} event store cannot append to several streams at once`);
    const sealed = await Promise.all(appends.map(async (a) => ({ ...a, events: await this.personal.seal(a.stream, a.events) })));
    const results = await this.inner.appendMany(sealed);
    return Promise.all(results.map((r, i) => this.asGiven(appends[i]!.events, r)));
  }

  private async asGiven(events: NewEvent[], result: AppendResult): Promise<AppendResult> {
    if (!this.openReads) return result;
    if (result.duplicate) return { ...result, events: await this.personal.open(result.events) };
    // The caller's own events come back as it gave them, without decrypting what it just encrypted.
    const clear = new Map(events.map((e) => [e.event_id, e]));
    return {
      ...result,
      events: result.events.map((e) => {
        const given = clear.get(e.event_id);
        return given ? { ...e, data: given.data, metadata: given.metadata } : e;
      }),
    };
  }

  async readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const events = await this.inner.readStream(stream, options);
    return this.openReads ? this.personal.open(events) : events;
  }

  private async openedLists(lists: Promise<RecordedEvent[][]>): Promise<RecordedEvent[][]> {
    const read = await lists;
    return this.openReads ? Promise.all(read.map((events) => this.personal.open(events))) : read;
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const events = await this.inner.readAll(options);
    return this.openReads ? this.personal.open(events) : events;
  }

  subscribeAll(options: SubscribeAllOptions): Subscription {
    const inner = this.inner.subscribeAll(options);
    if (!this.openReads) return inner;
    const personal = this.personal;
    return {
      close: () => inner.close(),
      async *[Symbol.asyncIterator]() {
        for await (const event of inner) yield (await personal.open([event]))[0]!;
      },
    };
  }

  headPosition(): Promise<bigint> {
    return this.inner.headPosition();
  }

  committedHead(): Promise<bigint> {
    return this.inner.committedHead();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
