import type { DomainEvent } from './event.js';

/**
 * What a decision knows besides the command and the state: the time, taken
 * once per command by the command side (CommandContext.now). Nothing in
 * src/domain reads the clock.
 */
export interface DecisionContext {
  readonly now: Date;
}

/** The decision of one command type: the events it produces on this state at `ctx.now`, or a DomainError. Pure. */
export type Decide<C, S, E extends DomainEvent> = (command: C, state: S, ctx: DecisionContext) => E[];

/** The command of a union with this `type`. */
export type CommandOf<C extends { type: string }, K extends C['type']> = Extract<C, { type: K }>;

/** One decide function per command type of an aggregate, keyed by the command's `type`. */
export type DecideTable<C extends { type: string }, S, E extends DomainEvent> = {
  [K in C['type']]: Decide<CommandOf<C, K>, S, E>;
};

/** An aggregate's `decide`: the command's own function, looked up by its type. */
export function dispatch<C extends { type: string }, S, E extends DomainEvent>(table: DecideTable<C, S, E>): Decide<C, S, E> {
  return (command, state, ctx) => (table[command.type as C['type']] as Decide<C, S, E>)(command, state, ctx);
}
