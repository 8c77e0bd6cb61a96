import { lockedUntil, lockoutDecider, type LockoutPolicy, type LockoutState } from '../../domain/security/lockout.js';
import { normalizeIp } from '../../domain/security/ip-list.js';
import type { Lock } from '../../domain/security/login-locked.js';
import type { AggregateRepository } from '../shared/aggregate-repository.js';
import type { CommandContext } from '../shared/command-context.js';
import { deterministicId, idsFrom } from '../shared/ids.js';

export const lockoutAggregate = { decider: lockoutDecider, snapshotVersion: 1 };

export const ipLockoutStream = (ip: string): string => `lockout-ip-${normalizeIp(ip)}`;
export const pairLockoutStream = (email: string, ip: string): string =>
  `lockout-pair-${deterministicId('lockout-pair', email.trim().toLowerCase(), normalizeIp(ip))}`;

export interface LockoutPolicies {
  ip: LockoutPolicy;
  pair: LockoutPolicy;
}

interface Loaded {
  ip: LockoutState;
  pair: LockoutState;
}

async function loadBoth(repo: AggregateRepository, email: string, ip: string): Promise<Loaded> {
  const [ipState, pairState] = await Promise.all([
    repo.load(lockoutAggregate, ipLockoutStream(ip)),
    repo.load(lockoutAggregate, pairLockoutStream(email, ip)),
  ]);
  return { ip: ipState.state, pair: pairState.state };
}

/** The lock in force for this email from this IP, read from both lockout streams (strongly consistent). */
export async function lockoutStatus(repo: AggregateRepository, email: string, ip: string, now: Date): Promise<Lock | null> {
  const { ip: ipState, pair } = await loadBoth(repo, email, ip);
  const ipUntil = lockedUntil(ipState, now);
  if (ipUntil) return { scope: 'ip', until: ipUntil };
  // A staff unlock of the IP also lifts the locks of every email tried from it.
  const pairUntil = lockedUntil(pair, now, ipState.cleared_at);
  return pairUntil ? { scope: 'pair', until: pairUntil } : null;
}

/** Counts a failed password for the IP and the pair; the lock that follows, if any. */
export async function countLoginFailure(
  repo: AggregateRepository,
  policies: LockoutPolicies,
  email: string,
  ip: string,
  attemptId: string,
  context: CommandContext,
): Promise<Lock | null> {
  const ipResult = await repo.execute(lockoutAggregate, ipLockoutStream(ip), {
    type: 'CountFailure', attempt_id: attemptId, policy: policies.ip, forget_before: null,
  }, context, idsFrom(`${attemptId}/ip`));
  const pairResult = await repo.execute(lockoutAggregate, pairLockoutStream(email, ip), {
    type: 'CountFailure', attempt_id: attemptId, policy: policies.pair, forget_before: ipResult.state.cleared_at,
  }, context, idsFrom(`${attemptId}/pair`));
  const ipUntil = lockedUntil(ipResult.state, context.now);
  if (ipUntil) return { scope: 'ip', until: ipUntil };
  const pairUntil = lockedUntil(pairResult.state, context.now, ipResult.state.cleared_at);
  return pairUntil ? { scope: 'pair', until: pairUntil } : null;
}

/** A correct password clears the pair's failures; the IP's count stays (one good account must not reset a spray). */
export async function countLoginSuccess(repo: AggregateRepository, email: string, ip: string, context: CommandContext, attemptId: string): Promise<void> {
  await repo.execute(lockoutAggregate, pairLockoutStream(email, ip), { type: 'CountSuccess' }, context, idsFrom(`${attemptId}/success`));
}

/** Staff unlock: clears the IP (and with it the pairs tried from it); recorded with the acting staff member. */
export async function unlockIp(repo: AggregateRepository, ip: string, context: CommandContext, commandId: string): Promise<{ position: bigint | null }> {
  const result = await repo.execute(lockoutAggregate, ipLockoutStream(ip), { type: 'ClearLockout', cleared_by: context.actor.user_id }, context, idsFrom(commandId));
  return { position: result.result?.position ?? null };
}

/** Staff unlock of one email from one IP (the IP's own lock, and its other emails, stay); recorded with the acting staff member. */
export async function unlockPair(repo: AggregateRepository, email: string, ip: string, context: CommandContext, commandId: string): Promise<{ position: bigint | null }> {
  const result = await repo.execute(lockoutAggregate, pairLockoutStream(email, ip), { type: 'ClearLockout', cleared_by: context.actor.user_id }, context, idsFrom(commandId));
  return { position: result.result?.position ?? null };
}
