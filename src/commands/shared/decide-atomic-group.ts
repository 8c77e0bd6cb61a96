import type { DomainEvent } from '../../domain/shared/event.js';
import { WrongExpectedRevisionError } from '../../eventstore/errors.js';
import type { AppendResult, NewEvent, StreamAppend } from '../../eventstore/port.js';
import type { AggregateType, Decided } from './aggregate-repository.js';
import type { CommandContext } from './command-context.js';
import type { AtomicCommand, AtomicDeps, NotDecided } from './decide-atomic.js';
import { toNewEvent } from './new-event.js';
import { StreamOrder } from './stream-order.js';

type AnyType = AggregateType<unknown, unknown, DomainEvent>;

/** One caller's atomic decision (its commands on distinct streams), waiting for a group. */
export interface AtomicUnit {
  commands: AtomicCommand[];
  context: CommandContext;
  resolve: (decided: Decided<unknown>[] | NotDecided) => void;
  reject: (error: unknown) => void;
}

/** A stream of the group: its state as loaded, as the placed units leave it, and their events. */
interface Working {
  type: AnyType;
  before: bigint;
  state: unknown;
  events: NewEvent[];
}

/** Where a placed unit's leg sits in its stream's part of the append. */
interface Leg {
  stream: string;
  from: number;
  count: number;
  after: unknown;
}

/**
 * Decides several units in arrival order, each leg on the state the units
 * before it leave on that stream, and appends every stream once, in ONE
 * multi-stream append (one commit for the whole group: busy streams such as
 * the bank's fee account take many units' events under one expected
 * revision). Streams are appended in an order that keeps each unit's events
 * in its legs' order (stream-order.ts). A unit that cannot be placed (a
 * refusal, nothing to do, a decline, an event id already in the group, an
 * order that contradicts the group's) is returned to run alone, after
 * the group: alone it is decided on fresh states, with the single-unit path's
 * own rules. When the group's append fails nothing was written: when another
 * process moved a stream, the group is decided again on its fresh state (a
 * few times); otherwise (a retry whose events are partly stored, say) the
 * streams are forgotten and every unit is returned to run alone.
 */
export async function decideAtomicGroup(deps: AtomicDeps, units: AtomicUnit[]): Promise<AtomicUnit[]> {
  for (let attempt = 0; ; attempt++) {
    const work = await loadStreams(deps, units, attempt === 0);
    const { placed, alone, order } = placeAll(units, work);
    if (placed.length === 0) return alone;
    const written = order.sorted().map((stream) => [stream, work.get(stream)!] as const);
    const appends: StreamAppend[] = written.map(([stream, w]) => ({ stream, events: w.events, expected: w.before < 0n ? 'no_stream' : w.before }));
    let results: AppendResult[];
    try {
      results = await deps.appendMany(appends);
    } catch (error) {
      // Another process moved a stream (a bank fee or FX sub-stream; behind a round-robin balancer,
      // any account its last request was sent elsewhere): the group again on fresh states, a few
      // times, before every unit goes its own way. The append names the first stale stream only,
      // and where one is stale others usually are too: every stream's tail is read again, in one read.
      if (error instanceof WrongExpectedRevisionError && attempt < GROUP_CONFLICT_RETRIES) {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 4 * (attempt + 1)));
        continue;
      }
      for (const stream of work.keys()) deps.forget(stream);
      return units;
    }
    await settleGroup(deps, work, written, results, placed);
    return alone;
  }
}

/** Appends that lost the race for a revision to another process are decided and sent again this many times. */
const GROUP_CONFLICT_RETRIES = 3;

/** Each unit placed on the group's states in arrival order, or set aside to run alone. */
function placeAll(units: AtomicUnit[], work: Map<string, Working>) {
  const alone: AtomicUnit[] = [];
  const placed: { unit: AtomicUnit; legs: Leg[] }[] = [];
  const seen = new Set<string>();
  const order = new StreamOrder();
  for (const unit of units) {
    const legs = place(unit, work, seen, order);
    if (legs) placed.push({ unit, legs });
    else alone.push(unit);
  }
  return { placed, alone, order };
}

/** Remembers the streams written and hands each placed unit its legs' results. */
async function settleGroup(
  deps: AtomicDeps,
  work: Map<string, Working>,
  written: (readonly [string, Working])[],
  results: AppendResult[],
  placed: { unit: AtomicUnit; legs: Leg[] }[],
): Promise<void> {
  const byStream = new Map(written.map(([stream], i) => [stream, results[i]!]));
  for (const [stream, w] of written) {
    const result = byStream.get(stream)!;
    if (result.duplicate) deps.forget(stream);
    else deps.appended(w.type, stream, w.before, { state: w.state, revision: result.next_revision });
  }
  for (const { unit, legs } of placed) {
    try {
      unit.resolve(await Promise.all(legs.map((leg) => settleLeg(deps, work.get(leg.stream)!, leg, byStream.get(leg.stream)!))));
    } catch (error) {
      unit.reject(error);
    }
  }
}

/**
 * Every stream of the group, loaded once: at first a remembered state (the
 * expected revisions prove it current; checked while other writers are seen),
 * after a lost race each stream's tail past it.
 */
async function loadStreams(deps: AtomicDeps, units: AtomicUnit[], optimistic: boolean): Promise<Map<string, Working>> {
  const types = new Map<string, AnyType>();
  for (const unit of units) for (const c of unit.commands) types.set(c.stream, c.type);
  const streams = [...types.keys()];
  const loaded = await deps.loadMany(streams.map((stream) => ({ type: types.get(stream)!, stream })), { cached: optimistic, check: true });
  return new Map(streams.map((s, i) => [s, { type: types.get(s)!, before: loaded[i]!.revision, state: loaded[i]!.state, events: [] }]));
}

/** Decides the unit's legs on the group's current states; places their events, or returns undefined having changed nothing. */
function place(unit: AtomicUnit, work: Map<string, Working>, seen: Set<string>, order: StreamOrder): Leg[] | undefined {
  const decided: { c: AtomicCommand; events: DomainEvent[]; ids: string[]; after: unknown }[] = [];
  for (const c of unit.commands) {
    const w = work.get(c.stream)!;
    let events: DomainEvent[];
    try {
      events = c.type.decider.decide(c.command, w.state, unit.context);
    } catch {
      return undefined;
    }
    if (events.length === 0 || c.declines?.(events)) return undefined;
    const ids = events.map((e, k) => c.ids(e, k));
    if (ids.some((id) => seen.has(id))) return undefined;
    decided.push({ c, events, ids, after: events.reduce((s, e) => c.type.decider.evolve(s, e), w.state) });
  }
  if (!order.add(unit.commands.map((c) => c.stream))) return undefined;
  return decided.map(({ c, events, ids, after }) => {
    const w = work.get(c.stream)!;
    const from = w.events.length;
    events.forEach((e, k) => w.events.push(toNewEvent(e, ids[k]!, unit.context)));
    for (const id of ids) seen.add(id);
    w.state = after;
    return { stream: c.stream, from, count: events.length, after };
  });
}

/** A leg's own slice of its stream's stored events; a stream found already stored (a retry) is read afresh. */
async function settleLeg(deps: AtomicDeps, w: Working, leg: Leg, result: AppendResult): Promise<Decided<unknown>> {
  const mine = result.events.slice(leg.from, leg.from + leg.count);
  const last = mine[mine.length - 1]!;
  const own: AppendResult = { next_revision: last.revision, position: last.position, events: mine, duplicate: result.duplicate };
  if (result.duplicate) {
    const stored = await deps.load(w.type, leg.stream, {});
    return { ...stored, result: own, events: mine };
  }
  return { state: leg.after, revision: last.revision, result: own, events: mine };
}
