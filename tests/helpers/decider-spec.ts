import { expect } from 'chai';
import type { DecisionContext } from '../../src/domain/shared/decider.js';
import { DomainError } from '../../src/domain/shared/domain-error.js';
import type { Decider, DomainEvent } from '../../src/domain/shared/event.js';

/** The time of a decision when a spec does not say: a fixed instant, never the clock. */
export const SPEC_NOW = new Date('2025-01-02T03:04:05.000Z');

/** What one command decided on the given events: its events, or its refusal. */
export interface Decision<E> {
  /** Asserts the command decided exactly these events (none: `[]`). */
  then(expected: E[]): void;
  /** Asserts the command was refused with this DomainError code (and status, when given). */
  thenThrows(code: string, status?: number): void;
  /** The events decided; fails the spec when the command was refused. */
  readonly events: E[];
  /** The events decided, or the refusal's code. */
  readonly outcome: E[] | string;
  /** The refusal, or undefined when the command decided events. */
  readonly refusal: DomainError | undefined;
}

export interface Given<C, S, E> {
  /** The state the given events fold to. */
  readonly state: S;
  when(command: C, ctx?: DecisionContext): Decision<E>;
}

/**
 * Given/when/then for a decider (the time is `ctx.now`: `defaults` for every
 * `when` of the spec, or the ctx a `when` passes):
 *   const { given } = deciderSpec(accountDecider);
 *   given(opened, deposited).when(debit, { now }).then([debited]);
 *   given().when(debit).thenThrows('account_not_found', 404);
 * Errors that are not DomainErrors (a broken invariant) are thrown as they are.
 */
export function deciderSpec<C, S, E extends DomainEvent>(
  decider: Decider<C, S, E>,
  defaults: DecisionContext = { now: SPEC_NOW },
): { given: (...events: E[]) => Given<C, S, E> } {
  const given = (...events: E[]): Given<C, S, E> => {
    const state = events.reduce((s, e) => decider.evolve(s, e), decider.initialState);
    return {
      state,
      when(command: C, ctx: DecisionContext = defaults): Decision<E> {
        let decided: E[] | undefined;
        let refusal: DomainError | undefined;
        try {
          decided = decider.decide(command, state, ctx);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          refusal = error;
        }
        return {
          then(expected) {
            expect(refusal?.code, 'refused').to.equal(undefined);
            expect(decided).to.deep.equal(expected);
          },
          thenThrows(code, status) {
            expect(refusal?.code, 'refusal code').to.equal(code);
            if (status !== undefined) expect(refusal?.status, 'refusal status').to.equal(status);
          },
          get events() {
            if (refusal) expect.fail(`expected events, the command was refused: ${refusal.code}`);
            return decided!;
          },
          get outcome() {
            return refusal ? refusal.code : decided!;
          },
          refusal,
        };
      },
    };
  };
  return { given };
}
