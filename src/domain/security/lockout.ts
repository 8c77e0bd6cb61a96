import type { Decider, DomainEvent } from '../shared/event.js';

/**
 * A lockout counter for one key: an IP address, or an email+IP pair. Failures
 * count while each comes within the cool-off of the previous one; the
 * `failure_limit`-th locks the key for the cool-off. State is taken from the
 * key's own stream at command time, never from a read model.
 */
export interface LockoutPolicy {
  failure_limit: number;
  cool_off_ms: number;
}

export interface LockoutState {
  failures: number;
  last_failure_at: string | null;
  locked_at: string | null;
  locked_until: string | null;
  /** When a person last cleared the key (staff unlock). */
  cleared_at: string | null;
}

export type LockoutCommand =
  | {
      type: 'CountFailure';
      attempt_id: string;
      policy: LockoutPolicy;
      /** Failures and locks older than this are forgotten (the IP was unlocked since). */
      forget_before: string | null;
    }
  | { type: 'CountSuccess' }
  | { type: 'ClearLockout'; cleared_by: string | null };

export type LockoutEvent =
  | DomainEvent<'LoginFailureCounted', { attempt_id: string; failures: number; at: string }>
  | DomainEvent<'LockedOut', { failures: number; locked_at: string; locked_until: string }>
  | DomainEvent<'LockoutCleared', { reason: 'success' | 'unlock'; cleared_by: string | null; at: string }>;

export const initialLockoutState: LockoutState = { failures: 0, last_failure_at: null, locked_at: null, locked_until: null, cleared_at: null };

const after = (a: string | null, b: string | null): boolean => a !== null && (b === null || Date.parse(a) > Date.parse(b));

/** The end of the lock in force at `now`, or null. A lock taken before `forgetBefore` no longer holds. */
export function lockedUntil(state: LockoutState, now: Date, forgetBefore: string | null = null): Date | null {
  if (state.locked_until === null || state.locked_at === null) return null;
  if (forgetBefore !== null && !after(state.locked_at, forgetBefore)) return null;
  const until = new Date(state.locked_until);
  return until.getTime() > now.getTime() ? until : null;
}

/** Failures still counting at `now`: none once the cool-off has passed or the key was cleared. */
export function liveFailures(state: LockoutState, now: Date, coolOffMs: number, forgetBefore: string | null = null): number {
  if (state.last_failure_at === null) return 0;
  if (forgetBefore !== null && !after(state.last_failure_at, forgetBefore)) return 0;
  if (now.getTime() - Date.parse(state.last_failure_at) > coolOffMs) return 0;
  if (state.locked_until !== null && Date.parse(state.locked_until) <= now.getTime()) return 0; // a lock served resets the count
  return state.failures;
}

export const lockoutDecider: Decider<LockoutCommand, LockoutState, LockoutEvent> = {
  initialState: initialLockoutState,

  decide(command, state, ctx) {
    switch (command.type) {
      case 'CountFailure': {
        // A locked key is refused before the password is checked, so a failure here raced a lock: nothing to add.
        if (lockedUntil(state, ctx.now, command.forget_before)) return [];
        const failures = liveFailures(state, ctx.now, command.policy.cool_off_ms, command.forget_before) + 1;
        const at = ctx.now.toISOString();
        const events: LockoutEvent[] = [{ type: 'LoginFailureCounted', data: { attempt_id: command.attempt_id, failures, at } }];
        if (failures >= command.policy.failure_limit) {
          const until = new Date(ctx.now.getTime() + command.policy.cool_off_ms).toISOString();
          events.push({ type: 'LockedOut', data: { failures, locked_at: at, locked_until: until } });
        }
        return events;
      }
      case 'CountSuccess':
        if (state.failures === 0 && state.locked_until === null) return [];
        return [{ type: 'LockoutCleared', data: { reason: 'success', cleared_by: null, at: ctx.now.toISOString() } }];
      case 'ClearLockout':
        // Always recorded: a staff unlock is an audited action even when nothing was locked.
        return [{ type: 'LockoutCleared', data: { reason: 'unlock', cleared_by: command.cleared_by, at: ctx.now.toISOString() } }];
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'LoginFailureCounted':
        return { ...state, failures: event.data.failures, last_failure_at: event.data.at };
      case 'LockedOut':
        return { ...state, locked_at: event.data.locked_at, locked_until: event.data.locked_until };
      case 'LockoutCleared':
        return {
          ...initialLockoutState,
          cleared_at: event.data.reason === 'unlock' ? event.data.at : state.cleared_at,
        };
      default:
        return state;
    }
  },
};
