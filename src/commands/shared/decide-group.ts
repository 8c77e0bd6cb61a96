import type { DomainEvent } from '../../domain/shared/event.js';
import { WrongExpectedRevisionError } from '../../eventstore/errors.js';
import type { AppendResult, ExpectedRevision, NewEvent, RecordedEvent } from '../../eventstore/port.js';
import type { AggregateType, Decided, EventIds, LoadOptions, Loaded } from './aggregate-repository.js';
import type { CommandContext } from './command-context.js';
import { toNewEvent } from './new-event.js';

type AnyType = AggregateType<unknown, unknown, DomainEvent>;

/** Appends that lost the race for a revision to another process are retried this many times. */
const MAX_CONFLICT_RETRIES = 8;
/** Upper bound of the random pause before retry n: (n + 1) × this, in ms. */
const CONFLICT_BACKOFF_MS = 4;

const pauseAfterConflict = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * CONFLICT_BACKOFF_MS * (attempt + 1)));

/** A queued command of one stream, settled by whoever runs it. */
export interface GroupItem {
  type: AnyType;
  command: unknown;
  context: CommandContext;
  ids: EventIds;
  resolve: (decided: Decided<unknown>) => void;
  reject: (error: unknown) => void;
}

/** What a group needs from the repository. */
export interface GroupDeps {
  load(type: AnyType, stream: string, options: LoadOptions): Promise<Loaded<unknown>>;
  hasCached(stream: string): boolean;
  forget(stream: string): void;
  /** After an append that moved the stream from revision `before` to `loaded` (snapshots it when due). */
  appended(type: AnyType, stream: string, before: bigint, loaded: Loaded<unknown>): void;
  append(stream: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
}

interface Plan {
  item: GroupItem;
  /** Index of its first event in the group's append, and how many. */
  from: number;
  count: number;
  after: unknown;
}

/** The group stopped deciding: a remembered state refused or found nothing to do. */
const STALE = Symbol('stale');

/**
 * Decides commands of one stream (one, or several queued together) in arrival
 * order, each on the state the ones before it leave, and appends all their
 * events at once under one expected revision. A command refused by its decider
 * is rejected with that refusal (as if it had run alone at its place in the
 * order). A command whose event ids repeat one already in the group (the same
 * transfer settled twice at once) is returned, to run in the next group. A
 * lone command that is a retry of one stored reports the stored events. Settles
 * nothing and throws when the append fails: for a group, in a way the commands
 * alone might not (a retry whose events are stored), so the caller then runs
 * them alone; for a lone command, with its own error.
 */
export async function decideGroup(deps: GroupDeps, stream: string, items: GroupItem[]): Promise<GroupItem[]> {
  const type = items[0]!.type;
  for (let attempt = 0; ; attempt++) {
    // As for one command: a remembered state first, proved current by the expected revision.
    const optimistic = attempt === 0 && deps.hasCached(stream);
    const { state, revision } = await deps.load(type, stream, { cached: optimistic, check: true });
    const decided = decideAll(type, state, items, optimistic);
    if (decided === STALE) {
      deps.forget(stream);
      continue;
    }
    const { plans, refused, deferred, events, after } = decided;
    let result: AppendResult | undefined;
    if (events.length > 0) {
      try {
        result = await deps.append(stream, events, revision < 0n ? 'no_stream' : revision);
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError && attempt < MAX_CONFLICT_RETRIES) {
          deps.forget(stream);
          await pauseAfterConflict(attempt);
          continue;
        }
        throw error;
      }
      if (result.duplicate) {
        // A retry of commands already stored. In a group, the later commands were decided on a
        // state that counted the stored events twice: each runs again on its own instead.
        if (items.length > 1) throw new Error('every event of the group is already stored');
        deps.forget(stream);
        const stored = await deps.load(type, stream, {});
        items[0]!.resolve({ ...stored, result, events: result.events });
        return [];
      }
      deps.appended(type, stream, revision, { state: after, revision: result.next_revision });
    }
    settle(plans, refused, revision, result?.events ?? []);
    return deferred;
  }
}

function decideAll(type: AnyType, state: unknown, items: GroupItem[], optimistic: boolean) {
  const plans: Plan[] = [];
  const refused: { item: GroupItem; error: unknown }[] = [];
  const deferred: GroupItem[] = [];
  const events: NewEvent[] = [];
  const seen = new Set<string>();
  let current = state;
  for (const item of items) {
    const command = typeof item.command === 'function' ? (item.command as (s: unknown) => unknown)(current) : item.command;
    let decided: DomainEvent[];
    try {
      decided = type.decider.decide(command, current, item.context);
    } catch (error) {
      if (optimistic) return STALE;
      refused.push({ item, error });
      continue;
    }
    // "Nothing to do" must come from the current state, not a remembered one.
    if (decided.length === 0 && optimistic) return STALE;
    const eventIds = decided.map((e, i) => item.ids(e, i));
    if (eventIds.some((id) => seen.has(id))) {
      deferred.push(item);
      continue;
    }
    for (const id of eventIds) seen.add(id);
    const from = events.length;
    decided.forEach((e, i) => events.push(toNewEvent(e, eventIds[i]!, item.context)));
    current = decided.reduce((s, e) => type.decider.evolve(s, e), current);
    plans.push({ item, from, count: decided.length, after: current });
  }
  return { plans, refused, deferred, events, after: current };
}

/** Hands each command its own slice of the stored events, its state after them and its revision. */
function settle(plans: Plan[], refused: { item: GroupItem; error: unknown }[], before: bigint, stored: RecordedEvent[]): void {
  let revision = before;
  for (const plan of plans) {
    const mine = stored.slice(plan.from, plan.from + plan.count);
    const last = mine[mine.length - 1];
    if (!last) {
      plan.item.resolve({ state: plan.after, revision, result: undefined, events: [] });
      continue;
    }
    revision = last.revision;
    plan.item.resolve({
      state: plan.after,
      revision,
      result: { next_revision: revision, position: last.position, events: mine, duplicate: false },
      events: mine,
    });
  }
  for (const r of refused) r.item.reject(r.error);
}
