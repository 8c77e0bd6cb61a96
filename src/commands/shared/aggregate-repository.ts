import type { Decider, DomainEvent } from '../../domain/shared/event.js';
import { KeyedBatches } from '../../infra/keyed-batches.js';
import type { AppendResult, EventStore, RecordedEvent } from '../../eventstore/port.js';
import type { CommandContext } from './command-context.js';
import type { SnapshotStore } from './snapshots.js';
import { decideGroup, type GroupDeps, type GroupItem } from './decide-group.js';
import { decideAtomic, type AtomicCommand, type AtomicDeps, type NotDecided } from './decide-atomic.js';
import { decideAtomicGroup, type AtomicUnit } from './decide-atomic-group.js';
import { AtomicLane } from './atomic-lane.js';
import { CacheFreshness } from './cache-freshness.js';
import { WrongExpectedRevisionError } from '../../eventstore/errors.js';

export interface Loaded<S> {
  state: S;
  /** Revision of the last event folded in; -1n when the stream does not exist. */
  revision: bigint;
}

export interface AggregateType<C, S, E extends DomainEvent> {
  decider: Decider<C, S, E>;
  /** Bump when the state shape changes: old snapshots are then ignored. */
  snapshotVersion: number;
}

/** Events of one command, with ids chosen by the caller (deterministic for retries). */
export type EventIds = (event: DomainEvent, index: number) => string;

/** A snapshot is written each time a stream passes a multiple of this many events (write and load paths). */
export const DEFAULT_SNAPSHOT_EVERY = 50;
/** A load reads a stream's tail at most this many events at a time (memory stays flat however long the tail). */
export const LOAD_PAGE = 1_000;
const CACHE_LIMIT = 20_000;

type AnyType = AggregateType<unknown, unknown, DomainEvent>;

export interface LoadOptions {
  /**
   * A remembered state will do, without reading: for facts that never change
   * (owner, currency), or a decision whose append's expected revision verifies it.
   */
  cached?: boolean;
  /** For a decision: a remembered state is still checked while other writers are seen (cache-freshness.ts). */
  check?: boolean;
}

export interface RepositoryOptions {
  /** Most commands of one stream decided and appended together (1: one append per command). */
  maxGroup?: number;
  /** Events between two snapshots of a stream (default 50). */
  snapshotEvery?: number;
}

/** True when going from revision `before` to `after` passes a multiple of `every` (revision 0 itself is not snapshotted). */
export const passesMultiple = (before: bigint, after: bigint, every: bigint): boolean => after / every > (before < 0n ? 0n : before / every);

/** A state with the events of its stream's tail folded in (the revision of the last one). */
function foldTail<C, S, E extends DomainEvent>(type: AggregateType<C, S, E>, base: Loaded<S>, tail: readonly RecordedEvent[]): Loaded<S> {
  let { state, revision } = base;
  for (const event of tail) {
    state = type.decider.evolve(state, { type: event.type, data: event.data } as E);
    revision = event.revision;
  }
  return { state, revision };
}

export interface Decided<S> {
  state: S;
  revision: bigint;
  result: AppendResult | undefined;
  events: RecordedEvent[];
}

/**
 * Loads aggregates (cached state or snapshot, then the stream's tail, so the
 * cost stays flat as a stream grows) and appends commands' events with the
 * expected revision. Snapshots are written on the write path (each append that
 * passes a multiple of `snapshotEvery`, whoever queued it) and on the load path
 * (a tail read that passes one), so a load reads a snapshot and at most about
 * `snapshotEvery` events; a longer tail (a store written before, or by another
 * process) is read a page at a time, never whole. Commands on one stream in this process queue: those that
 * arrive while an append runs are decided one after another on the same state
 * and appended together (a busy stream, such as the bank's fee account, pays
 * one append for many). Only another process can win the race for a revision;
 * such a conflict is retried a bounded number of times after a short pause.
 */
export class AggregateRepository {
  private readonly cache = new Map<string, Loaded<unknown>>();
  private readonly queues: KeyedBatches<GroupItem>;
  private readonly snapshotEvery: bigint;
  /** Snapshots being written after appends (not awaited by the commands). */
  private readonly saving = new Set<Promise<void>>();
  /** Atomic decisions of this process, decided and appended a group at a time (decide-atomic-group.ts). */
  private readonly atomicLane: AtomicLane;
  /** Whether remembered states are read again before deciding (another process writes the same streams). */
  private readonly freshness = new CacheFreshness();

  constructor(
    private readonly store: EventStore,
    private readonly snapshots: SnapshotStore,
    options: RepositoryOptions = {},
  ) {
    this.queues = new KeyedBatches<GroupItem>((stream, items) => this.runQueued(stream, items), options.maxGroup ?? 32);
    this.atomicLane = new AtomicLane((units) => this.runAtomic(units), options.maxGroup ?? 32);
    const every = options.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY;
    if (!Number.isInteger(every) || every < 1) throw new RangeError(`snapshotEvery must be a positive integer: ${every}`);
    this.snapshotEvery = BigInt(every);
  }

  /** Resolves once every snapshot started so far is written (or has failed: snapshots are never a source of truth). */
  async snapshotsSettled(): Promise<void> {
    while (this.saving.size > 0) await Promise.all([...this.saving]);
  }

  /**
   * The aggregate's state. Fresh by default (cache or snapshot, then the
   * stream's tail). `{ cached: true }` returns a remembered state without
   * reading, for facts that never change (owner, currency) or checks that the
   * append's expected revision verifies anyway.
   */
  async load<C, S, E extends DomainEvent>(type: AggregateType<C, S, E>, stream: string, options: LoadOptions = {}): Promise<Loaded<S>> {
    const cached = this.cache.get(stream) as Loaded<S> | undefined;
    // Only an existing stream's facts are remembered as settled: one may be created at any time.
    const remembered = cached && options.cached && cached.revision >= 0n ? cached : undefined;
    const checked = remembered && options.check && this.freshness.verifies;
    if (remembered && !checked) return remembered;
    let { state, revision } = cached ?? (await this.fromSnapshot(type, stream));
    for (let page = 0; ; page++) {
      const tail = await this.store.readStream(stream, { from: revision + 1n, max: LOAD_PAGE });
      const before = revision;
      ({ state, revision } = foldTail(type, { state, revision }, tail));
      if (tail.length > 0 && passesMultiple(before, revision, this.snapshotEvery)) {
        await this.snapshots.save(stream, type.snapshotVersion, { state, revision }).catch(() => undefined);
      }
      if (tail.length < LOAD_PAGE) break;
      // A remembered state far behind (another process wrote since): its snapshot may be newer.
      if (page === 0 && cached) {
        const snap = await this.fromSnapshot(type, stream);
        if (snap.revision > revision) ({ state, revision } = snap);
      }
    }
    if (checked) this.freshness.observed(revision !== remembered.revision);
    const loaded = { state, revision };
    this.remember(stream, loaded);
    return loaded;
  }

  /**
   * Several streams' states, as `load` gives each, but the tails past
   * remembered states (read afresh, or checked: cache-freshness.ts) are read
   * together, in one read where the store can.
   */
  async loadMany(entries: { type: AnyType; stream: string }[], options: LoadOptions = {}): Promise<Loaded<unknown>[]> {
    const checking = options.cached && options.check && this.freshness.verifies;
    const batch: { index: number; type: AnyType; stream: string; remembered: Loaded<unknown> }[] = [];
    const loads: Promise<Loaded<unknown>>[] = [];
    for (const [index, { type, stream }] of entries.entries()) {
      const remembered = this.cache.get(stream);
      const tailRead = remembered && remembered.revision >= 0n && (!options.cached || checking);
      if (tailRead && this.store.readStreams) batch.push({ index, type, stream, remembered });
      else loads[index] = this.load(type, stream, options);
    }
    if (batch.length > 0) {
      // Not awaited here: the loads above are already running, and one awaited Promise.all below
      // must see every rejection (a read that failed first would leave theirs unhandled).
      const tails = this.store.readStreams!(batch.map((b) => ({ stream: b.stream, from: b.remembered.revision + 1n })), LOAD_PAGE);
      batch.forEach((b, k) => {
        loads[b.index] = tails.then((all) => {
          const tail = all[k]!;
          if (checking) this.freshness.observed(tail.length > 0);
          // A tail of a whole page goes the long way (its snapshot may be newer; a page at a time).
          return tail.length < LOAD_PAGE ? this.caughtUp(b.type, b.stream, b.remembered, tail) : this.load(b.type, b.stream);
        });
      });
    }
    return Promise.all(loads);
  }

  /** A remembered state with the tail read past it: remembered, and snapshotted when it passes a multiple. */
  private caughtUp(type: AnyType, stream: string, remembered: Loaded<unknown>, tail: RecordedEvent[]): Loaded<unknown> {
    if (tail.length === 0) return remembered;
    const loaded = foldTail(type, remembered, tail);
    this.groupDeps.appended(type, stream, remembered.revision, loaded);
    return loaded;
  }

  private async fromSnapshot<C, S, E extends DomainEvent>(type: AggregateType<C, S, E>, stream: string): Promise<Loaded<S>> {
    const snap = await this.snapshots.load<S>(stream, type.snapshotVersion);
    return snap ? { state: snap.state, revision: snap.revision } : { state: type.decider.initialState, revision: -1n };
  }

  /**
   * Decides `command` (or the command built from the current state) and appends
   * its events. An empty decision appends nothing. Domain errors propagate.
   */
  async execute<C, S, E extends DomainEvent>(
    type: AggregateType<C, S, E>,
    stream: string,
    command: C | ((state: S) => C),
    context: CommandContext,
    ids: EventIds,
  ): Promise<Decided<S>> {
    return new Promise<Decided<S>>((resolve, reject) => {
      this.queues.submit(stream, {
        type: type as unknown as GroupItem['type'],
        command,
        context,
        ids,
        resolve: resolve as GroupItem['resolve'],
        reject,
      });
    });
  }

  /** True when the store appends to several streams in one commit (see executeAtomic). */
  get atomicMultiStream(): boolean {
    return this.store.atomicMultiStream && typeof this.store.appendMany === 'function';
  }

  /**
   * Decides commands on distinct streams and appends all their events in one
   * commit, all or none. Only where `atomicMultiStream`. Decisions that
   * arrive while a group is being written wait and go together in the next
   * group, one multi-stream append for all (decide-atomic-group.ts); a lone
   * one runs as decide-atomic.ts.
   */
  async executeAtomic(commands: AtomicCommand[], context: CommandContext): Promise<Decided<unknown>[] | NotDecided> {
    if (!this.atomicMultiStream) throw new Error(`the ${this.store.kind} event store cannot append to several streams at once`);
    // A stream whose queue is busy (a sender with a transfer going stream by stream) would only lose
    // the race for its revision: the caller goes through the streams' queues instead.
    if (commands.some((c) => this.queues.busy(c.stream))) return { outcome: 'contended' };
    return new Promise((resolve, reject) => this.atomicLane.submit({ commands, context, resolve, reject }));
  }

  private async runAtomic(units: AtomicUnit[]): Promise<void> {
    const ready = units.filter((unit) => {
      if (!unit.commands.some((c) => this.queues.busy(c.stream))) return true;
      unit.resolve({ outcome: 'contended' });
      return false;
    });
    const deps = this.atomicDeps();
    const alone = ready.length > 1 ? await decideAtomicGroup(deps, ready).catch(() => ready) : ready;
    for (const unit of alone) await decideAtomic(deps, unit.commands, unit.context).then(unit.resolve, unit.reject);
  }

  private atomicDeps(): AtomicDeps {
    const appendMany = this.store.appendMany!.bind(this.store);
    return { ...this.groupDeps, loadMany: (entries, options) => this.loadMany(entries, options), appendMany: (appends) => this.watched(appendMany(appends)) };
  }

  /** Forgets what this process remembers of a stream and drops its snapshot (after an erasure). */
  async forget(stream: string): Promise<void> {
    this.cache.delete(stream);
    await this.snapshots.delete(stream);
  }

  private async runQueued(stream: string, items: GroupItem[]): Promise<void> {
    if (items.length > 1) {
      try {
        const deferred = await decideGroup(this.groupDeps, stream, items);
        if (deferred.length > 0) this.queues.requeue(stream, deferred);
        return;
      } catch {
        // Nothing of the group was settled (a retry whose events are stored, a failed
        // append): each command again on its own, from the stream's current state.
        this.cache.delete(stream);
      }
    }
    for (const item of items) await decideGroup(this.groupDeps, stream, [item]).catch(item.reject);
  }

  private readonly groupDeps: GroupDeps = {
    load: (type, stream, options) => this.load(type, stream, options),
    hasCached: (stream) => this.cache.has(stream),
    forget: (stream) => this.cache.delete(stream),
    appended: (type, stream, before, loaded) => {
      this.remember(stream, loaded);
      if (passesMultiple(before, loaded.revision, this.snapshotEvery)) this.saveInBackground(type.snapshotVersion, stream, loaded);
    },
    append: (stream, events, expected) => this.watched(this.store.append(stream, events, expected)),
  };

  /** An append that lost the race for a revision tells that another process writes these streams. */
  private watched<T>(append: Promise<T>): Promise<T> {
    return append.catch((error: unknown) => {
      if (error instanceof WrongExpectedRevisionError) this.freshness.conflict();
      throw error;
    });
  }

  /** The command that appended is not kept waiting for its stream's snapshot. */
  private saveInBackground(version: number, stream: string, loaded: Loaded<unknown>): void {
    const saving: Promise<void> = this.snapshots
      .save(stream, version, loaded)
      .catch(() => undefined)
      .finally(() => this.saving.delete(saving));
    this.saving.add(saving);
  }

  private remember(stream: string, loaded: Loaded<unknown>): void {
    // Writers outside the stream's queue (atomic appends) may settle out of order: keep the newest.
    const known = this.cache.get(stream);
    if (known && known.revision > loaded.revision) return;
    this.cache.delete(stream);
    this.cache.set(stream, loaded);
    if (this.cache.size > CACHE_LIMIT) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }
}
