import type { DecisionContext } from './decider.js';

/** JSON-safe values: money travels as integer minor units written as strings. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * An event's payload: JSON members. A member that events written by an older
 * version lack is optional, so code folding the whole log handles its absence.
 */
export type Payload = { [key: string]: Json | undefined };

/** A domain event before it is stored: a type and its payload. */
export interface DomainEvent<T extends string = string, D extends Payload = Payload> {
  type: T;
  data: D;
}

/**
 * An aggregate written as a decider. `decide` returns the events a command
 * produces at `ctx.now`, or throws a DomainError; it never performs I/O and
 * never reads the clock.
 */
export interface Decider<Command, State, Event extends DomainEvent> {
  readonly initialState: State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State, ctx: DecisionContext): Event[];
}
