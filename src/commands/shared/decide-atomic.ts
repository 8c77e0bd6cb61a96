import type { DomainEvent } from '../../domain/shared/event.js';
import { WrongExpectedRevisionError } from '../../eventstore/errors.js';
import type { AppendResult, StreamAppend } from '../../eventstore/port.js';
import type { AggregateType, Decided, EventIds, LoadOptions, Loaded } from './aggregate-repository.js';
import type { CommandContext } from './command-context.js';
import { toNewEvent } from './new-event.js';

type AnyType = AggregateType<unknown, unknown, DomainEvent>;

/** One command of an atomic decision: its aggregate, stream (each stream once), command and event ids. */
export interface AtomicCommand {
  type: AnyType;
  stream: string;
  command: unknown;
  ids: EventIds;
  /** A decision the caller will not write in this group (it goes its own way instead): nothing is written. */
  declines?: (events: DomainEvent[]) => boolean;
}

/** What an atomic decision needs from the repository. */
export interface AtomicDeps {
  load(type: AnyType, stream: string, options: LoadOptions): Promise<Loaded<unknown>>;
  /** Several streams' states at once (remembered ones checked in one read while other writers are seen). */
  loadMany(entries: { type: AnyType; stream: string }[], options: LoadOptions): Promise<Loaded<unknown>[]>;
  forget(stream: string): void;
  /** After an append that moved the stream from revision `before` to `loaded` (remembers it, snapshots it when due). */
  appended(type: AnyType, stream: string, before: bigint, loaded: Loaded<unknown>): void;
  appendMany(appends: StreamAppend[]): Promise<AppendResult[]>;
}

/**
 * Why the commands were not written together: a decider refused on the
 * current state (`refused`, with its error), one decided nothing or what
 * the caller declines, or other
 * writers kept moving the streams (`contended`). Nothing was written.
 */
export type NotDecided =
  | { outcome: 'refused'; index: number; error: unknown }
  | { outcome: 'empty' | 'declined'; index: number }
  | { outcome: 'contended' };

/** Attempts before giving up on a contended group (the first one on remembered states). */
const MAX_ATTEMPTS = 4;
const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 4 * (attempt + 1)));

/**
 * Decides commands on distinct streams, each on its stream's state, and
 * appends all their events in one multi-stream append, each stream at the
 * revision its decision was made on: every stream moves, or none. The first
 * attempt decides on remembered states (the expected revisions prove them
 * current); a refusal or a lost race decides again on fresh ones. A part
 * already stored (a retry) reports what is stored, and its state is read
 * afresh.
 */
export async function decideAtomic(deps: AtomicDeps, commands: AtomicCommand[], context: CommandContext): Promise<Decided<unknown>[] | NotDecided> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const optimistic = attempt === 0;
    const loaded = await deps.loadMany(commands, { cached: optimistic, check: true });
    const decisions: DomainEvent[][] = [];
    let stop: NotDecided | undefined;
    for (const [i, c] of commands.entries()) {
      try {
        const events = c.type.decider.decide(c.command, loaded[i]!.state, context);
        if (events.length === 0) stop = { outcome: 'empty', index: i };
        else if (c.declines?.(events)) stop = { outcome: 'declined', index: i };
        decisions.push(events);
      } catch (error) {
        stop = { outcome: 'refused', index: i, error };
      }
      if (stop) break;
    }
    if (stop) {
      // A remembered state may be stale: refusals, "nothing to do" and declines count only on fresh ones.
      if (!optimistic) return stop;
      for (const c of commands) deps.forget(c.stream);
      continue;
    }
    const appends: StreamAppend[] = commands.map((c, i) => ({
      stream: c.stream,
      events: decisions[i]!.map((e, k) => toNewEvent(e, c.ids(e, k), context)),
      expected: loaded[i]!.revision < 0n ? 'no_stream' : loaded[i]!.revision,
    }));
    let results: AppendResult[];
    try {
      results = await deps.appendMany(appends);
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      deps.forget(error.stream);
      if (attempt > 0) await pause(attempt);
      continue;
    }
    return Promise.all(
      commands.map(async (c, i): Promise<Decided<unknown>> => {
        const result = results[i]!;
        if (result.duplicate) {
          deps.forget(c.stream);
          const stored = await deps.load(c.type, c.stream, {});
          return { ...stored, result, events: result.events };
        }
        const state = decisions[i]!.reduce((s, e) => c.type.decider.evolve(s, e), loaded[i]!.state);
        deps.appended(c.type, c.stream, loaded[i]!.revision, { state, revision: result.next_revision });
        return { state, revision: result.next_revision, result, events: result.events };
      }),
    );
  }
  return { outcome: 'contended' };
}
