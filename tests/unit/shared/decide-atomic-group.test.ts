import { expect } from 'chai';
import { systemContext } from '../../../src/commands/shared/command-context.js';
import type { AtomicCommand, AtomicDeps } from '../../../src/commands/shared/decide-atomic.js';
import { decideAtomicGroup, type AtomicUnit } from '../../../src/commands/shared/decide-atomic-group.js';
import type { Loaded } from '../../../src/commands/shared/aggregate-repository.js';
import { WrongExpectedRevisionError } from '../../../src/eventstore/errors.js';
import type { AppendResult, StreamAppend } from '../../../src/eventstore/port.js';

/** A balance per stream: `add` refuses to go below zero. */
const ledger = {
  decider: {
    initialState: 0,
    evolve: (s: number, e: { type: string; data: { n: number } }) => s + e.data.n,
    decide: (c: { n: number }, s: number) => {
      if (s + c.n < 0) throw new Error('insufficient');
      return [{ type: 'Added', data: { n: c.n } }];
    },
  },
  snapshotVersion: 1,
} as unknown as AtomicCommand['type'];

/** A store in memory whose appends can be made to lose a race a given number of times. */
function memoryDeps(conflicts: number) {
  const streams = new Map<string, number[]>();
  const calls: StreamAppend[][] = [];
  /** Each loadMany: the streams asked for and whether remembered states would do. */
  const loads: { streams: string[]; cached: boolean }[] = [];
  let position = 0n;
  let lose = conflicts;
  const load = async (stream: string) => {
    const ns = streams.get(stream) ?? [];
    return { state: ns.reduce((a, b) => a + b, 0), revision: BigInt(ns.length) - 1n } as Loaded<unknown>;
  };
  const deps: AtomicDeps = {
    load: (_type, stream) => load(stream),
    loadMany: (entries, options) => {
      loads.push({ streams: entries.map((e) => e.stream).sort(), cached: options.cached === true });
      return Promise.all(entries.map((e) => load(e.stream)));
    },
    forget: () => undefined,
    appended: () => undefined,
    appendMany: async (appends) => {
      calls.push(appends);
      if (lose-- > 0) {
        // Another process credits the first stream meanwhile.
        streams.set(appends[0]!.stream, [...(streams.get(appends[0]!.stream) ?? []), 1]);
        throw new WrongExpectedRevisionError(appends[0]!.stream, appends[0]!.expected, 0n);
      }
      return appends.map((a): AppendResult => {
        const ns = streams.get(a.stream) ?? [];
        if (BigInt(ns.length) - 1n !== (a.expected === 'no_stream' ? -1n : a.expected)) throw new Error(`stale expectation on ${a.stream}`);
        const events = a.events.map((e) => {
          ns.push((e.data as { n: number }).n);
          return { ...e, stream_id: a.stream, revision: BigInt(ns.length - 1), position: ++position } as never;
        });
        streams.set(a.stream, ns);
        return { next_revision: BigInt(ns.length - 1), position, events, duplicate: false };
      });
    },
  };
  return { deps, calls, streams, loads };
}

const unit = (legs: [string, number][], settled: unknown[]): AtomicUnit => ({
  commands: legs.map(([stream, n], i) => ({ type: ledger, stream, command: { n }, ids: () => `${stream}:${n}:${i}:${Math.random()}` })),
  context: systemContext('test'),
  resolve: (d) => settled.push(d),
  reject: (e) => settled.push(e),
});

describe('decideAtomicGroup: many units, one multi-stream append', () => {
  it('writes every unit of the group in one append, each leg on the state the units before it left', async () => {
    const { deps, calls, streams } = memoryDeps(0);
    const settled: unknown[] = [];
    const alone = await decideAtomicGroup(deps, [unit([['a', 5], ['fee', 1]], settled), unit([['b', 7], ['fee', 1]], settled), unit([['a', -3], ['fee', 1]], settled)]);
    expect(alone).to.deep.equal([]);
    expect(calls).to.have.length(1);
    expect(streams.get('a')).to.deep.equal([5, -3]);
    expect(streams.get('fee')).to.deep.equal([1, 1, 1]);
    expect(settled).to.have.length(3);
  });

  it('decides the group again when another process moved one of its streams, instead of sending every unit alone', async () => {
    const { deps, calls, streams } = memoryDeps(2);
    const settled: unknown[] = [];
    const alone = await decideAtomicGroup(deps, [unit([['fee', 2], ['x', 1]], settled), unit([['fee', 3], ['y', 1]], settled)]);
    expect(alone).to.deep.equal([]);
    expect(calls).to.have.length(3);
    expect(streams.get('fee')).to.deep.equal([1, 1, 2, 3]);
    expect(settled.filter((s) => s instanceof Error)).to.deep.equal([]);
  });

  it('after a lost race reads every stream of the group again, not only the one the store named', async () => {
    // Behind a round-robin balancer each account's last request often went to another process: where one is stale, others are.
    const { deps, calls, loads } = memoryDeps(1);
    const settled: unknown[] = [];
    await decideAtomicGroup(deps, [unit([['fee', 2], ['x', 1]], settled), unit([['fee', 3], ['y', 1]], settled)]);
    expect(calls).to.have.length(2);
    expect(loads).to.deep.equal([
      { streams: ['fee', 'x', 'y'], cached: true },
      { streams: ['fee', 'x', 'y'], cached: false },
    ]);
  });

  it('gives every unit back to run alone when the races go on, having written nothing', async () => {
    const { deps, calls, streams } = memoryDeps(10);
    const units = [unit([['fee', 2], ['x', 1]], []), unit([['fee', 3], ['y', 1]], [])];
    const alone = await decideAtomicGroup(deps, units);
    expect(alone).to.deep.equal(units);
    expect(calls).to.have.length(4);
    expect(streams.get('x')).to.equal(undefined);
  });

  it('sets aside a unit its stream refuses on the group state, and writes the others', async () => {
    const { deps, streams } = memoryDeps(0);
    const refused = unit([['a', -8], ['fee', 1]], []);
    const alone = await decideAtomicGroup(deps, [unit([['a', 5], ['fee', 1]], []), refused, unit([['a', -5], ['fee', 1]], [])]);
    expect(alone).to.deep.equal([refused]);
    expect(streams.get('a')).to.deep.equal([5, -5]);
  });
});
